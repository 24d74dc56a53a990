# SPDX-License-Identifier: BSD-3-Clause
"""A client of the QEMU guest agent (qemu-ga) over the VM's UNIX socket.

The socket is QEMU's end of the virtio-serial port org.qemu.guest_agent.0. Each call is
one short session: lock the VM's agent (one client at a time: QEMU serves one connection,
and a 0xFF reset by one client would cut another's command in half), connect, resync with
guest-sync-delimited, send the command, read its answer, disconnect. The resync makes a
session immune to what an earlier, interrupted one left in the channel.
"""

import base64
import fcntl
import json
import os
import random
import socket
import time

from .config import Error


class AgentTimeout(Error):
    pass


class Agent:
    def __init__(self, rundir):
        self.sock_path = os.path.join(rundir, 'qga.sock')
        self.lock_path = os.path.join(rundir, 'qga.lock')

    def call(self, execute, arguments=None, timeout=60.0):
        """Run one agent command; return its "return" value, raise Error on an error."""
        deadline = time.monotonic() + timeout
        with open(self.lock_path, 'a') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    s.connect(self.sock_path)
                except OSError as e:
                    raise Error('agent socket %s: %s' % (self.sock_path, e)) from None
                session = Session(s, deadline)
                session.sync()
                req = {'execute': execute}
                if arguments is not None:
                    req['arguments'] = arguments
                session.send(req)
                ans = session.answer()
        if 'error' in ans:
            raise Error('%s: %s' % (execute, ans['error'].get('desc', ans['error'])))
        return ans.get('return')

    def ping(self, timeout):
        try:
            self.call('guest-ping', timeout=timeout)
            return True
        except Error:
            return False

    def spawn(self, argv, input_data=None, capture=True):
        args = {'path': argv[0], 'arg': argv[1:], 'capture-output': capture}
        if input_data is not None:
            args['input-data'] = base64.b64encode(input_data).decode()
        return self.call('guest-exec', args)['pid']

    def status(self, pid):
        """guest-exec-status: None while running, else (exit status, output bytes,
        truncated). The agent forgets a process once it reported it exited."""
        st = self.call('guest-exec-status', {'pid': pid})
        if not st.get('exited'):
            return None
        if 'signal' in st:
            rc = 128 + st['signal']
        else:
            rc = st.get('exitcode', 255)
        out = base64.b64decode(st.get('out-data', '')) + base64.b64decode(st.get('err-data', ''))
        return rc, out, bool(st.get('out-truncated') or st.get('err-truncated'))


class Session:
    def __init__(self, sock, deadline):
        self.sock = sock
        self.deadline = deadline
        self.buf = b''

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b'\n')

    def fill(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise AgentTimeout('the guest agent did not answer in time')
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise AgentTimeout('the guest agent did not answer in time') from None
        if not data:
            raise Error('the guest agent closed the connection')
        self.buf += data

    def sync(self):
        # A 0xFF byte resets the agent's JSON parser; the answer to guest-sync-delimited
        # starts with 0xFF. Lines before the answer with our token are leftovers of an
        # earlier, interrupted session.
        token = random.randrange(1, 1 << 31)
        self.sock.sendall(b'\xff')
        self.send({'execute': 'guest-sync-delimited', 'arguments': {'id': token}})
        while True:
            ans = self.line()
            if ans is None:
                self.fill()
            elif ans.get('return') == token:
                return

    def line(self):
        """The next whole JSON line of buf, or None when buf holds no whole line. What
        precedes a 0xFF in a line is the rest of a message cut short: dropped."""
        while b'\n' in self.buf:
            raw, self.buf = self.buf.split(b'\n', 1)
            raw = raw[raw.rfind(b'\xff') + 1:].strip()
            if not raw:
                continue
            try:
                return json.loads(raw)
            except ValueError:
                continue
        return None

    def answer(self):
        while True:
            ans = self.line()
            if ans is not None and ('return' in ans or 'error' in ans):
                return ans
            self.fill()
