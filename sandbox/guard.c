/* guard: starts one trusted program (checker, interactor, manager, grader, generator) on the host under
 * the limits the judge gives it, and ties its life to the judge's.
 *
 *   guard JUDGE_PID CPU_S MEM_MB FSIZE_MB NPROC PROGRAM [ARG...]
 *
 * PR_SET_PDEATHSIG survives exec: when the judge thread that started us dies (killed, interrupted), the
 * kernel sends SIGKILL to the program, so no manager or checker outlives the judge. JUDGE_PID closes the
 * race where the judge died before the prctl: then we do not start at all. Limits of 0 are left unset.
 * Python's subprocess cannot do this itself without a preexec_fn, which is unsafe in a threaded judge. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static void limit(int resource, unsigned long long value) {
    if (value == 0) return;
    struct rlimit rl = {value, value};
    (void)setrlimit(resource, &rl);
}

int main(int argc, char **argv) {
    if (argc < 7) return 125;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return 125;
    if (getppid() != (pid_t)atoll(argv[1])) return 125; /* the judge is gone already */
    unsigned long long cpu = strtoull(argv[2], NULL, 10);
    if (cpu) {
        struct rlimit rl = {cpu, cpu + 1};
        (void)setrlimit(RLIMIT_CPU, &rl);
    }
    limit(RLIMIT_AS, strtoull(argv[3], NULL, 10) << 20);
    limit(RLIMIT_FSIZE, strtoull(argv[4], NULL, 10) << 20);
    limit(RLIMIT_NPROC, strtoull(argv[5], NULL, 10));
    struct rlimit none = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &none);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[6], argv + 6);
    return 126;
}
