# user.* extended attributes set with os.setxattr, copied by
# shutil.copytree (copy2 -> copystat -> _copyxattr), read back.
# copystat ignores ENOTSUP/ENODATA quietly, so a broken xattr layer shows
# here as a missing attribute in the copy.
import os
import shutil
import tempfile

base = tempfile.mkdtemp(prefix="xattr-")
src = os.path.join(base, "src")
os.makedirs(os.path.join(src, "sub"))
with open(os.path.join(src, "a.txt"), "w") as f:
    f.write("alpha\n")
with open(os.path.join(src, "sub", "b.txt"), "w") as f:
    f.write("beta\n")
os.setxattr(os.path.join(src, "a.txt"), "user.color", b"blue")
os.setxattr(os.path.join(src, "a.txt"), "user.empty", b"")
os.setxattr(os.path.join(src, "sub", "b.txt"), "user.n", b"42")
os.setxattr(os.path.join(src, "sub"), "user.dir", b"yes")
print("source a.txt:", sorted(os.listxattr(os.path.join(src, "a.txt"))))

dst = os.path.join(base, "dst")
shutil.copytree(src, dst)
print("copy a.txt:", sorted(os.listxattr(os.path.join(dst, "a.txt"))))
print("user.color =", os.getxattr(os.path.join(dst, "a.txt"), "user.color"))
print("user.empty =", os.getxattr(os.path.join(dst, "a.txt"), "user.empty"))
print("user.n =", os.getxattr(os.path.join(dst, "sub", "b.txt"), "user.n"))
print("user.dir =", os.getxattr(os.path.join(dst, "sub"), "user.dir"))
os.removexattr(os.path.join(dst, "a.txt"), "user.color")
print("after remove:", sorted(os.listxattr(os.path.join(dst, "a.txt"))))
try:
    os.getxattr(os.path.join(dst, "a.txt"), "user.color")
    print("removed attribute still readable")
except OSError as e:
    print("removed attribute:", os.strerror(e.errno))
shutil.rmtree(base)
print("xattr copytree ok")
