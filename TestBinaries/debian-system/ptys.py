# os.openpty and pty.spawn.
import os
import pty
import sys
import termios
import tty

master, slave = os.openpty()
name = os.ttyname(slave)
print("openpty:", name.rsplit("/", 1)[0], os.isatty(master), os.isatty(slave))
attrs = termios.tcgetattr(slave)
attrs[3] &= ~termios.ECHO
termios.tcsetattr(slave, termios.TCSANOW, attrs)
os.write(slave, b"to master\n")
print("master read:", os.read(master, 100))
os.write(master, b"to slave\n")
print("slave read:", os.read(slave, 100))
os.close(slave)
os.close(master)

out = []


def read(fd):
    data = os.read(fd, 1024)
    out.append(data)
    return data


sys.stdout.flush()
status = pty.spawn(["sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty; exit 3"], read)
text = b"".join(out).decode()
print()
print("spawn status:", os.waitstatus_to_exitcode(status))
print("spawn saw /dev/pts:", "/dev/pts/" in text, "stdin-is-a-tty" in text)
