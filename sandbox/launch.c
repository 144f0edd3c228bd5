/* launch: set a run's limits and files, then exec the program. Runs inside the box, started by the
 * executor through vfork (fast: no Python code runs in the child).
 *
 * usage: launch CPU_S MEM_BYTES FSIZE_BYTES NPROC STDIN STDOUT STDERR -- PROGRAM ARGS...
 * MEM_BYTES 0 = no address-space limit; a file of "-" = /dev/null. stdin is opened before stdout, the
 * order interactive peers use on FIFOs too. Exit 120-125 = the launcher failed (reported as such). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void limit(int what, rlim_t value) {
    struct rlimit r = {value, value};
    if (setrlimit(what, &r) != 0) _exit(121);
}

static void redirect(const char *path, int flags, int target) {
    int fd = open(strcmp(path, "-") == 0 ? "/dev/null" : path, flags, 0644);
    if (fd < 0) _exit(122);
    if (fd != target) {
        if (dup2(fd, target) < 0) _exit(122);
        close(fd);
    }
}

int main(int argc, char **argv) {
    if (argc < 10 || strcmp(argv[8], "--") != 0) return 120;
    double cpu = atof(argv[1]);
    rlim_t mem = strtoull(argv[2], NULL, 10);
    rlim_t fsize = strtoull(argv[3], NULL, 10);
    rlim_t nproc = strtoull(argv[4], NULL, 10);
    redirect(argv[5], O_RDONLY, 0);
    redirect(argv[6], O_WRONLY | O_CREAT | O_TRUNC, 1);
    redirect(argv[7], O_WRONLY | O_CREAT | O_TRUNC, 2);
    int adj = open("/proc/self/oom_score_adj", O_WRONLY);
    if (adj >= 0) { (void)!write(adj, "1000", 4); close(adj); }
    struct rlimit cpu_limit = {(rlim_t)cpu + 1, (rlim_t)cpu + 2};  /* backstop; the executor polls */
    if (setrlimit(RLIMIT_CPU, &cpu_limit) != 0) _exit(121);
    if (mem) limit(RLIMIT_AS, mem);
    limit(RLIMIT_STACK, RLIM_INFINITY);
    limit(RLIMIT_FSIZE, fsize);
    limit(RLIMIT_NPROC, nproc);
    limit(RLIMIT_CORE, 0);
    execv(argv[9], argv + 9);
    return 123;
}
