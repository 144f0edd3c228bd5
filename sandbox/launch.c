/* launch: the box's spawn server. The executor (PID 1 of the box) starts it once and sends it every run;
 * it starts the run's programs with one exec each, limits and files already in place.
 *
 * Why a separate process: a program's peak memory (ru_maxrss) starts at the RSS of the process it was
 * forked from, so forking from this small process instead of the Python executor removes a ~10 MB floor;
 * and setting limits here, in C between fork and exec, avoids a second exec through a launcher binary.
 * clone(CLONE_PARENT) makes every program a child of the executor itself, not of this server: the
 * executor waits for it (exit status, rusage), and a program that kills this server (kill(-1) reaches
 * it, as the same uid) loses nothing but the server, which the executor restarts for the next request.
 *
 * fd 0: commands from the executor: a 4-byte length, then that many bytes of NUL-terminated strings:
 *   SEQ N, then N times: CWD STDIN STDOUT STDERR CPU_SOFT CPU_HARD MEM FSIZE NPROC CGROUPS ARGC ARGV...
 *   ENVC ENV... ""
 *   (a file of "-" is /dev/null; MEM 0 = no address-space limit; CGROUPS: "-", or comma-separated fds of
 *   open cgroup.procs files this server inherited: the child writes "0" to each, joining the run's
 *   groups before anything else, so every process and thread it ever makes is counted there)
 * fd 3: records to the executor, 5 int32 each: SEQ INDEX PID STAGE ERRNO. STAGE 0 (started) comes
 *   before the program can run: a lone child writes it itself, first thing; with N > 1 the server writes
 *   it for each child it forked, and the children wait at a gate the server opens only after the last
 *   fork, so a program cannot kill the server halfway through a request. A child that fails before exec
 *   writes its failure stage and exits 127; the server writes STAGE 1 for a fork that failed.
 * (Forking this small process costs about what a vfork would: measured, no gain from one.)
 * stdin is opened first, without blocking (see wait_for_writer), then stdout. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

enum { STARTED = 0, FORK_FAILED = 1, LIMITS = 2, FILES = 3, EXEC = 4, CHDIR = 5, CGROUP = 6 };
enum { MAX_MSG = 1 << 24, MAX_PROCS = 64 };

struct proc {
    const char *cwd, *in, *out, *err, *cgroups;
    rlim_t cpu_soft, cpu_hard, mem, fsize, nproc;
    char **argv, **envp;
};

/* Grown to the largest message so far: a small address space keeps each fork and exec cheap. */
static char *msg;
static char **strings;
static size_t capacity;
static struct proc procs[MAX_PROCS];
static int32_t seq;
static int32_t current; /* in a child: the index of its proc */

static void record(int32_t index, int32_t pid, int32_t stage, int32_t err) {
    int32_t rec[5] = {seq, index, pid, stage, err};
    (void)!write(3, rec, sizeof rec); /* < PIPE_BUF: atomic */
}

static int read_full(int fd, void *buf, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t n = read(fd, (char *)buf + done, size - done);
        if (n == 0) return -1;
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static rlim_t number(const char *s) { return (rlim_t)strtoull(s, NULL, 10); }

/* Split the message into strings and procs; -1 when malformed. argv and envp are NULL-terminated in
 * place: the slot after argv holds ENVC (already read) and the slot after envp holds an empty END. */
static int parse(uint32_t size, int *count) {
    int n = 0;
    for (uint32_t i = 0; i < size; i++) {
        strings[n++] = msg + i;
        while (i < size && msg[i]) i++;
    }
    int k = 0;
    if (n < 2) return -1;
    seq = (int32_t)atoi(strings[k++]);
    int procs_n = atoi(strings[k++]);
    if (procs_n < 1 || procs_n > MAX_PROCS) return -1;
    for (int p = 0; p < procs_n; p++) {
        struct proc *pr = &procs[p];
        if (k + 11 > n) return -1;
        pr->cwd = strings[k++];
        pr->in = strings[k++];
        pr->out = strings[k++];
        pr->err = strings[k++];
        pr->cpu_soft = number(strings[k++]);
        pr->cpu_hard = number(strings[k++]);
        pr->mem = number(strings[k++]);
        pr->fsize = number(strings[k++]);
        pr->nproc = number(strings[k++]);
        pr->cgroups = strings[k++];
        int argc = atoi(strings[k++]);
        if (argc < 1 || k + argc + 1 > n) return -1;
        pr->argv = &strings[k];
        k += argc;
        int envc = atoi(strings[k]);
        strings[k++] = NULL;
        if (envc < 0 || k + envc + 1 > n) return -1;
        pr->envp = &strings[k];
        k += envc;
        if (strings[k][0] != 0) return -1;
        strings[k++] = NULL;
    }
    if (k != n) return -1;
    *count = procs_n;
    return 0;
}

/* The syscall filter every program gets. A program runs as the same uid as the executor and this server,
 * so without it it could lower their limits (prlimit), renice or re-pin them, and so make every later
 * run of its box fail or slow down: calls that change another process's limits or scheduling fail with
 * EPERM; on itself they work as usual. Foreign-ABI syscalls (i386 int 0x80, x32), which would get
 * around the checks, fail with ENOSYS.
 * It also closes the kernel's surfaces that no contest program needs and that widen what a program can
 * reach (the classes of Docker's default profile; facts only): new namespaces of any kind (a nested user
 * namespace gives back every capability inside it), io_uring, userfaultfd, the keyrings, perf events,
 * ptrace and process_vm_*, bpf, mounting, kexec, kernel modules and the like. They fail with EPERM, as
 * without the privilege, except where ENOSYS makes a runtime fall back: clone3 (its flags sit in a
 * struct a filter cannot read; glibc then uses clone, whose flags it can) and io_uring (as on a kernel
 * built without it). Threads, fork and clone without namespace flags work as usual. */
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef NATIVE_ARCH
#define ARG_LO(i) ((uint32_t)offsetof(struct seccomp_data, args[i]))
#define ARG_HI(i) ((uint32_t)offsetof(struct seccomp_data, args[i]) + 4)
#define NAMESPACE_FLAGS                                                                              \
    (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |        \
     CLONE_NEWCGROUP)
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* unshare only: in clone's flags these bits are the exit signal */
#endif

static struct sock_filter filter[256];
static unsigned short filter_len;

static void op(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
    filter[filter_len++] = (struct sock_filter){code, jt, jf, k};
}
static void load(uint32_t offset) { op(BPF_LD | BPF_W | BPF_ABS, offset, 0, 0); }
static void allow(void) { op(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0); }
static void deny(uint32_t err) { op(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err, 0, 0); }

/* Allow syscall `nr` only when its argument `arg` is 0 (the caller itself) and, if `which` >= 0, its
 * argument `which` equals `value`. A block of its own, ending in its own verdicts; jumps are relative
 * to the next instruction. */
static void rule(uint32_t nr, int arg, int which, uint32_t value) {
    uint8_t len = which >= 0 ? 12 : 8;
    load(offsetof(struct seccomp_data, nr));
    op(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, len - 2); /* another syscall: on to the next block */
    load(ARG_LO(arg));
    op(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, len - 5);
    load(ARG_HI(arg));
    op(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, len - 7);
    if (which >= 0) {
        load(ARG_LO(which));
        op(BPF_JMP | BPF_JEQ | BPF_K, value, 0, len - 9);
        load(ARG_HI(which));
        op(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, len - 11);
    }
    allow();
    deny(EPERM);
}

/* Fail every syscall of `nrs` with `err`: a block of compares that all jump to one verdict at its end
 * (the syscall number is already loaded). */
static void refuse(const uint32_t *nrs, uint8_t count, uint32_t err) {
    for (uint8_t i = 0; i < count; i++) op(BPF_JMP | BPF_JEQ | BPF_K, nrs[i], count - i, 0);
    op(BPF_JMP | BPF_JA | BPF_K, 1, 0, 0); /* none of them: over the verdict */
    deny(err);
}

/* Fail syscall `nr` with EPERM when its first argument (flags) has any of `bits` (in its low word, where
 * every namespace flag is). */
static void refuse_flags(uint32_t nr, uint32_t bits) {
    load(offsetof(struct seccomp_data, nr));
    op(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 3);
    load(ARG_LO(0));
    op(BPF_JMP | BPF_JSET | BPF_K, bits, 0, 1);
    deny(EPERM);
}

#define COUNT(a) ((uint8_t)(sizeof(a) / sizeof((a)[0])))

static void build_filter(void) {
    /* The newer calls are named only where the build's kernel headers know them (a kernel older than
     * its headers answers ENOSYS to them anyway). */
    static const uint32_t eperm[] = {
        __NR_userfaultfd, __NR_keyctl, __NR_add_key, __NR_request_key, __NR_perf_event_open,
        __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev, __NR_bpf, __NR_mount,
        __NR_umount2, __NR_pivot_root, __NR_setns, __NR_kexec_load, __NR_kexec_file_load,
        __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_reboot, __NR_swapon,
        __NR_swapoff, __NR_acct, __NR_quotactl, __NR_open_by_handle_at, __NR_fanotify_init,
        __NR_syslog, __NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime, __NR_sethostname,
        __NR_setdomainname, __NR_vhangup, __NR_chroot,
#ifdef __NR_fsopen /* the mount API of Linux 5.2 */
        __NR_move_mount, __NR_open_tree, __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick,
#endif
#ifdef __NR_mount_setattr
        __NR_mount_setattr,
#endif
#ifdef __NR_pidfd_getfd
        __NR_pidfd_getfd,
#endif
#if defined(__x86_64__)
        __NR_iopl, __NR_ioperm,
#endif
    };
    static const uint32_t enosys[] = {
#ifdef __NR_clone3
        __NR_clone3,
#endif
#ifdef __NR_io_uring_setup
        __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
    };
    load(offsetof(struct seccomp_data, arch));
    op(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
    deny(ENOSYS);
    load(offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
    op(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1); /* the x32 ABI */
    deny(ENOSYS);
#endif
    refuse(eperm, COUNT(eperm), EPERM);
    refuse(enosys, COUNT(enosys), ENOSYS);
    refuse_flags(__NR_clone, NAMESPACE_FLAGS);
    refuse_flags(__NR_unshare, NAMESPACE_FLAGS | CLONE_NEWTIME);
    rule(__NR_prlimit64, 0, -1, 0);
    rule(__NR_sched_setaffinity, 0, -1, 0);
    rule(__NR_sched_setscheduler, 0, -1, 0);
    rule(__NR_sched_setparam, 0, -1, 0);
    rule(__NR_sched_setattr, 0, -1, 0);
    rule(__NR_setpriority, 1, 0, 0); /* which = PRIO_PROCESS, who = 0 */
    rule(__NR_ioprio_set, 1, 0, 1);  /* which = IOPRIO_WHO_PROCESS, who = 0 */
    allow();
}

static int install_filter(void) {
    struct sock_fprog prog = {filter_len, filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return errno == EINVAL ? 0 : -1;
    return 0; /* EINVAL: a kernel without seccomp; the executor's own checks still hold */
}
#else
static void build_filter(void) {}
static int install_filter(void) { return 0; }
#endif

static void redirect(const char *path, int flags, int target) {
    int fd = open(strcmp(path, "-") == 0 ? "/dev/null" : path, flags | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, target) < 0) {
        record(current, (int32_t)getpid(), FILES, errno);
        _exit(127);
    }
    close(fd);
}

static void limit(int what, rlim_t soft, rlim_t hard) {
    struct rlimit r = {soft, hard};
    if (setrlimit(what, &r) != 0) {
        record(current, (int32_t)getpid(), LIMITS, errno);
        _exit(127);
    }
}

/* A FIFO as stdin (CMS Communication, std_io): it was opened without blocking, so the program's side never
 * waits on the open whatever order the peer opens its two ends in (a blocking open of stdin, then stdout,
 * deadlocks against a peer that opens its read end first). Before exec, wait until a writer has opened
 * it, or a reader could see end-of-file before the peer got there. tee() looks at the FIFO without
 * taking anything from it: data, or EAGAIN (a writer holds it open), both mean a writer came; 0 means
 * none yet, or one came and left, which poll() tells apart (POLLHUP). The executor's wall clock bounds
 * the wait. */
static void wait_for_writer(int fd) {
    struct stat st;
    int probe[2];
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && pipe2(probe, O_CLOEXEC | O_NONBLOCK) == 0) {
        for (;;) {
            ssize_t n = tee(fd, probe[1], 1, SPLICE_F_NONBLOCK);
            if (n > 0 || (n < 0 && errno != EINTR)) break; /* data, a writer (EAGAIN), or no tee */
            if (n == 0) {
                struct pollfd p = {fd, POLLIN, 0};
                if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP)) break;
                usleep(200);
            }
        }
        close(probe[0]);
        close(probe[1]);
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

/* Join the run's groups: "0" written to a cgroup.procs file moves the writer. The files were opened by
 * the host (root), whose credentials the kernel checks; they close at exec (O_CLOEXEC). */
static void join_cgroups(const char *list) {
    if (strcmp(list, "-") == 0) return;
    const char *p = list;
    while (*p) {
        char *end;
        long fd = strtol(p, &end, 10);
        if (end == p || write((int)fd, "0", 1) != 1) {
            record(current, (int32_t)getpid(), CGROUP, end == p ? EINVAL : errno);
            _exit(127);
        }
        p = *end == ',' ? end + 1 : end;
    }
}

/* In the child: never returns. */
static void child(int index, struct proc *pr, int gate_r, int gate_w) {
    current = index;
    setsid(); /* its own process group and session: the executor kills the whole group afterwards */
    if (gate_r < 0) record(index, (int32_t)getpid(), STARTED, 0); /* else the server reports it */
    if (gate_r >= 0) {
        char c;
        close(gate_w);
        while (read(gate_r, &c, 1) < 0 && errno == EINTR) {
        }
        close(gate_r);
    }
    join_cgroups(pr->cgroups);
    if (chdir(pr->cwd) != 0) {
        record(index, (int32_t)getpid(), CHDIR, errno);
        _exit(127);
    }
    redirect(pr->in, O_RDONLY | O_NONBLOCK, 0);
    redirect(pr->out, O_WRONLY | O_CREAT | O_TRUNC, 1);
    redirect(pr->err, O_WRONLY | O_CREAT | O_TRUNC, 2);
    wait_for_writer(0); /* and clears O_NONBLOCK on stdin */
    /* The syscall filter, oom_score_adj, the stack and core limits came with the fork (see main). */
    limit(RLIMIT_CPU, pr->cpu_soft, pr->cpu_hard); /* a backstop: the executor polls CPU time */
    if (pr->mem) limit(RLIMIT_AS, pr->mem, pr->mem);
    limit(RLIMIT_FSIZE, pr->fsize, pr->fsize);
    limit(RLIMIT_NPROC, pr->nproc, pr->nproc);
    execve(pr->argv[0], pr->argv, pr->envp);
    record(index, (int32_t)getpid(), EXEC, errno);
    _exit(127);
}

int main(void) {
    /* Not dumpable: a program (same uid) can neither ptrace this server nor open its memory. Children
     * become dumpable again at exec, which is fine: they are the untrusted ones. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* Programs get default signal dispositions and an empty mask, whatever this server inherited. */
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* What every program gets alike is set here once and inherited by each fork, instead of per child
     * (a seccomp filter is compiled each time it is installed):
     * - oom_score_adj 1000: if the box's memory cap is hit, a program (or this small server) dies, not
     *   the executor;
     * - an unlimited stack: the main thread may recurse up to the memory limit (IOI rules), while
     *   threads keep glibc's default stack size instead of inheriting a huge one; no core files;
     * - the syscall filter (with no_new_privs), which this server's own calls pass. */
    int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adj >= 0) {
        (void)!write(adj, "1000", 4);
        close(adj);
    }
    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY}, no_core = {0, 0};
    if (setrlimit(RLIMIT_STACK, &unlimited) != 0 || setrlimit(RLIMIT_CORE, &no_core) != 0) return 4;
    build_filter();
    if (install_filter() != 0) return 4; /* the executor reports the server's death as an error */
    fcntl(0, F_SETFD, FD_CLOEXEC);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    /* The cgroup files (fd 10 on): children use them before exec; no program may keep one, or it could
     * move this server or the executor into its own group. */
    for (int fd = 4; fd < 1024; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
    for (;;) {
        uint32_t size;
        if (read_full(0, &size, sizeof size) != 0) return 0; /* the executor closed the pipe */
        if (size > MAX_MSG) return 2;
        if (size + 1 > capacity) {
            capacity = size + 1 > 4096 ? size + 1 : 4096;
            free(msg);
            free(strings);
            msg = malloc(capacity);
            strings = malloc(capacity * sizeof(char *)); /* at most one string per byte */
            if (!msg || !strings) return 2;
        }
        if (read_full(0, msg, size) != 0) return 2;
        msg[size] = 0;
        int n;
        if (parse(size, &n) != 0) return 3; /* the executor sees the server die and reports an error */
        int gate[2] = {-1, -1};
        if (n > 1 && pipe2(gate, O_CLOEXEC) != 0) {
            for (int i = 0; i < n; i++) record(i, -1, FORK_FAILED, errno); /* no gate, no start */
            continue;
        }
        for (int i = 0; i < n; i++) {
            long pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
            if (pid == 0) child(i, &procs[i], gate[0], gate[1]);
            if (pid < 0) record(i, -1, FORK_FAILED, errno);
            else if (gate[0] >= 0) record(i, (int32_t)pid, STARTED, 0);
        }
        if (gate[0] >= 0) {
            close(gate[0]);
            close(gate[1]); /* opens the gate: every child is forked and reported */
        }
    }
}
