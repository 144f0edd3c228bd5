// Manager for "courier" (CMS Communication task type, 2 user processes running concurrently).
//
// CMS runs: manager <u0_to_m> <m_to_u0> <u1_to_m> <m_to_u1>, with the test input on stdin.
// Process 0 (Anna) and process 1 (Bruno) have their stdin/stdout redirected to m_to_uI / uI_to_m.
// Result, as the CMS "standard manager output": the score in [0, 1] on the first line of stdout
// and a message on the first line of stderr ("translate:success|partial|wrong" or plain text).
//
// Protocol. To Anna: "N\nA_1 .. A_N\n"; Anna then writes bits "0"/"1" and "2" when she is done.
// To Bruno: "N\n"; Bruno writes "?" to get Anna's next bit (answered with 0, 1, or -1 once Anna is
// done) and finally "! k x_1 .. x_k". Bits Bruno never asked for are still counted.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <vector>

static void report(double score, const char* text) {
    printf("%g\n", score);
    fprintf(stderr, "%s\n", text);
    exit(0);
}

static FILE* open_fifo(const char* path, const char* mode) {
    FILE* f = fopen(path, mode);
    if (!f) {
        fprintf(stderr, "manager: cannot open %s\n", path);
        exit(1);  // a manager failure is a judge error, never the contestant's fault
    }
    return f;
}

int main(int argc, char** argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: manager u0_to_m m_to_u0 u1_to_m m_to_u1 < input\n");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);  // a user process may die at any time

    int n;
    if (scanf("%d", &n) != 1 || n < 1) return 1;
    std::vector<int> a(n);
    for (int& x : a)
        if (scanf("%d", &x) != 1) return 1;

    // Each user process opens its stdin (m_to_uI) before its stdout (uI_to_m), and opening a FIFO
    // blocks until the other end is opened: the same order here avoids a deadlock.
    FILE* to_anna = open_fifo(argv[2], "w");
    FILE* from_anna = open_fifo(argv[1], "r");
    FILE* to_bruno = open_fifo(argv[4], "w");
    FILE* from_bruno = open_fifo(argv[3], "r");

    fprintf(to_anna, "%d\n", n);
    for (int i = 0; i < n; ++i) fprintf(to_anna, "%d%c", a[i], i + 1 < n ? ' ' : '\n');
    fflush(to_anna);
    fprintf(to_bruno, "%d\n", n);
    fflush(to_bruno);

    long long bits = 0;
    bool anna_done = false;
    bool violation = false;
    // Next bit from Anna, or -1 when she has finished (or died).
    auto next_bit = [&]() -> int {
        if (anna_done) return -1;
        int token;
        if (fscanf(from_anna, "%d", &token) != 1 || token == 2) {
            anna_done = true;
            return -1;
        }
        if (token != 0 && token != 1) {
            violation = true;
            anna_done = true;
            return -1;
        }
        ++bits;
        return token;
    };

    std::vector<int> answer;
    bool answered = false;
    char command;
    while (fscanf(from_bruno, " %c", &command) == 1) {
        if (command == '?') {
            fprintf(to_bruno, "%d\n", next_bit());
            fflush(to_bruno);
        } else if (command == '!') {
            int k;
            if (fscanf(from_bruno, "%d", &k) != 1 || k < 0 || k > 1000000) break;
            answer.resize(k);
            bool ok = true;
            for (int& x : answer) ok = ok && fscanf(from_bruno, "%d", &x) == 1;
            answered = ok;
            break;
        } else {
            break;
        }
    }
    while (next_bit() != -1) {  // count the bits Bruno never asked for
    }

    if (violation) report(0.0, "Protocol violation: anna sent something other than a bit");
    if (!answered) report(0.0, "Protocol violation: bruno did not return an answer");
    if (answer != a) report(0.0, "translate:wrong");
    if (bits <= 20LL * n) report(1.0, "translate:success");
    if (bits <= 32LL * n) report(0.5, "translate:partial");
    report(0.0, "Too many bits sent");
}
