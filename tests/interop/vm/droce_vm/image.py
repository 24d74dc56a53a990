# SPDX-License-Identifier: BSD-3-Clause
"""`droce-vm build`: the guest image, from Debian packages.

  CACHE/rootfs/      debootstrap --variant=minbase + apt-get install in a chroot
  CACHE/rootfs.cpio  the rootfs without docs, locales, /boot and the kernel modules
  CACHE/vmlinuz      the Debian kernel
  CACHE/initrd.img   zstd(rootfs.cpio + overlay.cpio); the overlay holds guest/init, the
                     guest/bin helpers and only the kernel modules the tests need, depmod'ed

Each stage carries a stamp (a hash of its inputs) and is redone only when that changes.
"""

import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile

from . import config
from .config import Error, note, run

HOST_TOOLS = {          # command -> Debian package
    'debootstrap': 'debootstrap',
    'qemu-system-x86_64': 'qemu-system-x86',
    'cpio': 'cpio',
    'zstd': 'zstd',
    'depmod': 'kmod',
    'tcpdump': 'tcpdump',
    'ip': 'iproute2',
}

GUEST_PACKAGES = [
    'linux-image-amd64', 'kmod', 'iproute2', 'procps', 'iputils-ping', 'ethtool', 'tcpdump',
    'rdma-core', 'ibverbs-providers', 'ibverbs-utils', 'rdmacm-utils', 'perftest',
    'nvme-cli', 'qemu-guest-agent',
]

# Modules the guest loads (dependencies follow from modules.dep). rdma_rxe asks the crypto
# API for "crc32", which no module dependency names: without crc32_generic (or the
# PCLMUL one) `rdma link add` fails with ENOENT.
MODULES = [
    'virtio_pci', 'virtio_net', 'virtio_console', 'af_packet', 'configfs',
    'ib_core', 'ib_uverbs', 'ib_umad', 'ib_cm', 'iw_cm', 'rdma_cm', 'rdma_ucm', 'rdma_rxe',
    'crc32_generic',
    'nvme_core', 'nvme_fabrics', 'nvme_rdma', 'nvme_tcp',
    'nvmet', 'nvmet_rdma', 'nvmet_tcp', 'brd', 'null_blk', 'loop',
]
OPTIONAL_MODULES = ['crc32_pclmul', 'crc32c_generic', 'crc32c_intel', 'virtio_rng']

# Bumped when the way a stage is made changes, so that old caches are rebuilt.
ROOTFS_RECIPE = 1
INITRD_RECIPE = 1

# Left out of the initramfs (relative to the rootfs).
EXCLUDE = [
    'boot', 'usr/lib/modules', 'usr/lib/firmware', 'usr/share/doc', 'usr/share/man',
    'usr/share/info', 'usr/share/locale', 'usr/share/lintian', 'usr/share/bash-completion',
    'var/cache/apt', 'var/lib/apt/lists', 'var/cache/debconf', 'var/log',
]

APT_ENV = {
    'DEBIAN_FRONTEND': 'noninteractive',
    'LC_ALL': 'C',
    'PATH': '/usr/sbin:/usr/bin:/sbin:/bin',
}


def path(name):
    return os.path.join(config.CACHE, name)


def digest(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def read_stamp(name):
    try:
        with open(path(name + '.stamp')) as f:
            return f.read().strip()
    except OSError:
        return None


def write_stamp(name, value):
    with open(path(name + '.stamp'), 'w') as f:
        f.write(value + '\n')


# --- host tools -------------------------------------------------------------------------

def ensure_host_tools(tools=HOST_TOOLS):
    os.environ['PATH'] = os.environ.get('PATH', '') + ':/usr/sbin:/sbin'
    missing = sorted({pkg for cmd, pkg in tools.items() if shutil.which(cmd) is None})
    if not missing:
        return
    note('installing host packages: ' + ' '.join(missing))
    cmd = ['apt-get', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600',
           'install'] + missing
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    if run(cmd, check=False, env=env) != 0:
        run(['apt-get', '-q', '-o', 'DPkg::Lock::Timeout=600', 'update'], env=env)
        run(cmd, env=env)


# --- rootfs -----------------------------------------------------------------------------

def host_mirrors():
    """The Debian and Debian security mirrors the host's apt uses (deb.debian.org else)."""
    main, security = config.MIRROR, config.SECURITY_MIRROR
    uris = []
    for f in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*')):
        if not (f.endswith('.list') or f.endswith('.sources')):
            continue
        try:
            text = open(f).read()
        except OSError:
            continue
        uris += re.findall(r'^\s*URIs:\s*(\S+)', text, re.M)
        uris += re.findall(r'^\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)', text, re.M)
    for u in uris:
        u = u.rstrip('/')
        if not security and u.endswith('/debian-security'):
            security = u
        elif not main and u.endswith('/debian'):
            main = u
    return (main or 'http://deb.debian.org/debian',
            security or 'http://deb.debian.org/debian-security')


def mounts_under(root):
    root = os.path.realpath(root)
    with open('/proc/self/mounts') as f:
        points = [line.split()[1] for line in f]
    return [p for p in points if p == root or p.startswith(root + '/')]


def remove_tree(root):
    """rm -rf root, refusing while anything is mounted below it (a chroot's /proc)."""
    if not os.path.lexists(root):
        return
    busy = mounts_under(root)
    if busy:
        raise Error('not removing %s: still mounted: %s' % (root, ' '.join(busy)))
    shutil.rmtree(root)


def chroot(root, cmd, **kw):
    return run(['chroot', root] + cmd, env=APT_ENV, **kw)


def install_packages(root, main, security):
    with open(os.path.join(root, 'etc/apt/sources.list'), 'w') as f:
        f.write('deb %s %s main\n' % (main, config.SUITE))
        f.write('deb %s %s-updates main\n' % (main, config.SUITE))
        f.write('deb %s %s-security main\n' % (security, config.SUITE))
    # No service may start in the chroot, and the kernel package must not build an
    # initramfs of its own (ours is made from the rootfs below).
    policy = os.path.join(root, 'usr/sbin/policy-rc.d')
    with open(policy, 'w') as f:
        f.write('#!/bin/sh\nexit 101\n')
    os.chmod(policy, 0o755)
    chroot(root, ['dpkg-divert', '--local', '--rename', '--add', '/usr/sbin/update-initramfs'],
           quiet=True)
    os.symlink('/bin/true', os.path.join(root, 'usr/sbin/update-initramfs'))
    proc = os.path.join(root, 'proc')
    run(['mount', '-t', 'proc', 'proc', proc])
    try:
        chroot(root, ['apt-get', '-q', 'update'])
        chroot(root, ['apt-get', '-y', '-q', '--no-install-recommends', 'install']
               + GUEST_PACKAGES)
        chroot(root, ['apt-get', 'clean'])
    finally:
        run(['umount', proc], check=False)
    os.unlink(policy)


def build_rootfs(force):
    main, security = host_mirrors()
    stamp = digest({'recipe': ROOTFS_RECIPE, 'suite': config.SUITE, 'mirror': main,
                    'security': security, 'packages': GUEST_PACKAGES})
    root = path('rootfs')
    if not force and read_stamp('rootfs') == stamp and os.path.isdir(root):
        return stamp
    note('building the rootfs (debootstrap %s from %s, then apt-get): a few minutes'
         % (config.SUITE, main))
    tmp = path('rootfs.tmp')
    remove_tree(tmp)
    run(['debootstrap', '--variant=minbase', config.SUITE, tmp, main])
    install_packages(tmp, main, security)
    remove_tree(root)
    os.rename(tmp, root)
    write_stamp('rootfs', stamp)
    return stamp


# --- initramfs --------------------------------------------------------------------------

def kernel_version(root):
    vers = sorted(os.listdir(os.path.join(root, 'usr/lib/modules')))
    vers = [v for v in vers if os.path.exists(os.path.join(root, 'boot', 'vmlinuz-' + v))]
    if not vers:
        raise Error('no kernel in %s/boot' % root)
    return vers[-1]


def rootfs_list(root):
    """The rootfs's paths for cpio, relative ('.'-less), minus EXCLUDE."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        rel = '' if rel == '.' else rel + '/'
        dirnames[:] = sorted(d for d in dirnames if rel + d not in EXCLUDE)
        out += [rel + n for n in dirnames + sorted(filenames)]
    return out


def cpio(cwd, names, out):
    with open(out, 'wb') as f:
        subprocess.run(['cpio', '--quiet', '-o', '-H', 'newc', '-R', '0:0'], cwd=cwd,
                       input=''.join(n + '\n' for n in names).encode(), stdout=f, check=True)


def norm(name):
    return name.replace('-', '_')


def module_closure(moddir):
    """Paths (relative to moddir) of MODULES + OPTIONAL_MODULES and their dependencies."""
    deps, paths = {}, {}
    with open(os.path.join(moddir, 'modules.dep')) as f:
        for line in f:
            ko, _, rest = line.partition(':')
            name = norm(re.sub(r'\.ko(\.\w+)?$', '', os.path.basename(ko)))
            paths[name] = ko
            deps[ko] = rest.split()
    soft = {}
    try:
        with open(os.path.join(moddir, 'modules.softdep')) as f:
            for line in f:
                w = line.split()
                if len(w) > 2 and w[0] == 'softdep':
                    soft[norm(w[1])] = [norm(x) for x in w[2:] if not x.endswith(':')]
    except OSError:
        pass
    with open(os.path.join(moddir, 'modules.builtin')) as f:
        builtin = {norm(re.sub(r'\.ko$', '', os.path.basename(ln.strip()))) for ln in f}
    missing = [m for m in MODULES if m not in paths and m not in builtin]
    if missing:
        raise Error('kernel modules not found: ' + ' '.join(missing))
    want, todo = set(), [paths[m] for m in MODULES + OPTIONAL_MODULES if m in paths]
    while todo:
        ko = todo.pop()
        if ko in want:
            continue
        want.add(ko)
        todo += deps[ko]
        name = norm(re.sub(r'\.ko(\.\w+)?$', '', os.path.basename(ko)))
        todo += [paths[s] for s in soft.get(name, []) if s in paths]
    return sorted(want)


def stage_overlay(root, kver, stage):
    """guest/init, guest/bin/* and the modules, laid out as in the guest, in stage."""
    os.makedirs(os.path.join(stage, 'usr/local/sbin'))
    shutil.copy(os.path.join(config.GUEST_DIR, 'init'), os.path.join(stage, 'init'))
    os.chmod(os.path.join(stage, 'init'), 0o755)
    for f in sorted(os.listdir(os.path.join(config.GUEST_DIR, 'bin'))):
        dst = os.path.join(stage, 'usr/local/sbin', f)
        shutil.copy(os.path.join(config.GUEST_DIR, 'bin', f), dst)
        os.chmod(dst, 0o755)
    # depmod -b wants BASE/lib/modules/KVER; the guest (merged /usr) reads usr/lib/modules.
    src = os.path.join(root, 'usr/lib/modules', kver)
    dep = os.path.join(stage, 'depmod')
    dst = os.path.join(dep, 'lib/modules', kver)
    mods = module_closure(src)
    for ko in mods:
        os.makedirs(os.path.dirname(os.path.join(dst, ko)), exist_ok=True)
        shutil.copy2(os.path.join(src, ko), os.path.join(dst, ko))
    for f in ('modules.order', 'modules.builtin', 'modules.builtin.modinfo'):
        if os.path.exists(os.path.join(src, f)):
            shutil.copy2(os.path.join(src, f), dst)
    run(['depmod', '-b', dep, kver])
    os.makedirs(os.path.join(stage, 'usr/lib/modules'))
    os.rename(dst, os.path.join(stage, 'usr/lib/modules', kver))
    shutil.rmtree(dep)
    return len(mods)


def guest_files_digest():
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(config.GUEST_DIR):
        dirnames.sort()
        for n in sorted(filenames):
            p = os.path.join(dirpath, n)
            h.update(os.path.relpath(p, config.GUEST_DIR).encode() + b'\0')
            with open(p, 'rb') as f:
                h.update(f.read() + b'\0')
    return h.hexdigest()


def build_initrd(rootfs_stamp, force):
    root = path('rootfs')
    kver = kernel_version(root)
    stamp = digest({'recipe': INITRD_RECIPE, 'rootfs': rootfs_stamp, 'kver': kver,
                    'modules': MODULES + OPTIONAL_MODULES, 'exclude': EXCLUDE,
                    'guest': guest_files_digest()})
    if not force and read_stamp('initrd') == stamp and os.path.exists(path('initrd.img')):
        return False
    if read_stamp('rootfs.cpio') != rootfs_stamp or not os.path.exists(path('rootfs.cpio')):
        note('packing the rootfs')
        cpio(root, rootfs_list(root), path('rootfs.cpio.tmp'))
        os.rename(path('rootfs.cpio.tmp'), path('rootfs.cpio'))
        write_stamp('rootfs.cpio', rootfs_stamp)
    with tempfile.TemporaryDirectory(dir=config.CACHE) as stage:
        nmods = stage_overlay(root, kver, stage)
        names = []
        for dirpath, dirnames, filenames in os.walk(stage):
            rel = os.path.relpath(dirpath, stage)
            rel = '' if rel == '.' else rel + '/'
            dirnames.sort()
            names += [rel + n for n in dirnames + sorted(filenames)]
        os.chmod(stage, 0o755)
        cpio(stage, names, path('overlay.cpio'))
    tmp = path('initrd.img.tmp')
    with open(tmp, 'wb') as out:
        cat = subprocess.Popen(['cat', path('rootfs.cpio'), path('overlay.cpio')],
                               stdout=subprocess.PIPE)
        subprocess.run(['zstd', '-q', '-T0', '-6', '-c'], stdin=cat.stdout, stdout=out,
                       check=True)
        if cat.wait() != 0:
            raise Error('cat of the cpio archives failed')
    os.unlink(path('overlay.cpio'))
    os.rename(tmp, path('initrd.img'))
    shutil.copy(os.path.join(root, 'boot', 'vmlinuz-' + kver), path('vmlinuz'))
    write_manifest(root, kver, nmods)
    write_stamp('initrd', stamp)
    return True


def write_manifest(root, kver, nmods):
    pkgs = chroot(root, ['dpkg-query', '-W', '-f', '${Package} ${Version}\n'] + GUEST_PACKAGES,
                  capture=True)
    with open(path('manifest.txt'), 'w') as f:
        f.write('kernel %s\nmodules %d\ninitrd %d bytes\n%s'
                % (kver, nmods, os.path.getsize(path('initrd.img')), pkgs))


def build(force=False, force_rootfs=False):
    """Build what is missing or stale; print what the image is."""
    os.makedirs(config.CACHE, exist_ok=True)
    with open(path('build.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_host_tools()
        rstamp = build_rootfs(force_rootfs)
        made = build_initrd(rstamp, force or force_rootfs)
    with open(path('manifest.txt')) as f:
        head = f.read().splitlines()[:3]
    print('%s: %s (%s)' % (path('initrd.img'), 'rebuilt' if made else 'up to date',
                           ', '.join(head)))


def check_built():
    for f in ('vmlinuz', 'initrd.img'):
        if not os.path.exists(path(f)):
            raise Error('no %s: run `droce-vm build` first' % path(f))

