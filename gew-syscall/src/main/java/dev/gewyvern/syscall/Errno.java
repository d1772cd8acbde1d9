package dev.gewyvern.syscall;

/** The errno values bpf(2) and its neighbours return, with their names and what they usually mean. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTSUPP = 524;

    private Errno() {
    }

    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case ENOTDIR -> "ENOTDIR";
            case EINVAL -> "EINVAL";
            case EFBIG -> "EFBIG";
            case ENOSPC -> "ENOSPC";
            case ERANGE -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case ELOOP -> "ELOOP";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + errno;
        };
    }

    public static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "operation not permitted";
            case ENOENT -> "no such file or object";
            case E2BIG -> "argument too big (an attribute the kernel does not know is set)";
            case EBADF -> "bad file descriptor";
            case ENOMEM -> "out of memory";
            case EACCES -> "permission denied (the verifier refused the program)";
            case EFAULT -> "bad address";
            case EBUSY -> "busy";
            case EEXIST -> "already exists";
            case EINVAL -> "invalid argument";
            case EFBIG -> "too large";
            case ELOOP -> "a symbolic link where none is followed";
            case ENOSPC -> "no space (log buffer too small)";
            case ENOSYS -> "not implemented by this kernel";
            // the kernel says this of one request (a map type's BTF, a flag, an attach mode), not of itself:
            // whether the kernel lacks a feature is for a probe to say, never for an errno
            case EOPNOTSUPP, ENOTSUPP -> "operation not supported";
            default -> name(errno);
        };
    }
}
