// Stub for "courier" (CMS Communication, 2 processes, std_io): compiled with the contestant's file.
// CMS runs it twice, concurrently: argv[1] is the process index ("0" = Anna, "1" = Bruno); stdin
// is the FIFO from the manager and stdout the FIFO to the manager.
#include "courier.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

static FILE* from_manager;
static FILE* to_manager;
static int role = -1;

void send_bit(int bit) {
    // A misuse ends the process; the manager then scores the test 0.
    if (role != 0 || (bit != 0 && bit != 1)) {
        fprintf(stderr, "send_bit: only anna may call it, with 0 or 1\n");
        exit(0);
    }
    fprintf(to_manager, "%d\n", bit);
}

int receive_bit() {
    if (role != 1) {
        fprintf(stderr, "receive_bit: only bruno may call it\n");
        exit(0);
    }
    fprintf(to_manager, "?\n");
    fflush(to_manager);
    int bit;
    if (fscanf(from_manager, "%d", &bit) != 1) exit(0);
    return bit;
}

int main(int argc, char** argv) {
    // Private handles on the two FIFOs; fd 0 and 1 are then pointed elsewhere so that stray
    // reads or prints in the solution cannot disturb the protocol.
    from_manager = fdopen(dup(0), "r");
    to_manager = fdopen(dup(1), "w");
    int null_fd = open("/dev/null", O_RDONLY);
    if (!from_manager || !to_manager || null_fd < 0) return 1;
    dup2(null_fd, 0);
    dup2(2, 1);
    role = argc > 1 ? atoi(argv[1]) : -1;

    int n;
    if (role == 0) {
        if (fscanf(from_manager, "%d", &n) != 1) return 0;
        std::vector<int> a(n);
        for (int& x : a)
            if (fscanf(from_manager, "%d", &x) != 1) return 0;
        anna(n, a);
        fprintf(to_manager, "2\n");  // end of Anna's bits
        fflush(to_manager);
    } else if (role == 1) {
        if (fscanf(from_manager, "%d", &n) != 1) return 0;
        std::vector<int> answer = bruno(n);
        fprintf(to_manager, "! %d", (int)answer.size());
        for (int x : answer) fprintf(to_manager, " %d", x);
        fprintf(to_manager, "\n");
        fflush(to_manager);
    } else {
        fprintf(stderr, "stub: expected the process index 0 or 1 as the first argument\n");
        return 1;
    }
    return 0;
}
