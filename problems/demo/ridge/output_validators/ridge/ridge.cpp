// Interactor for "ridge" (Kattis interactive output validator).
// Invocation: ridge input_file judge_answer_file feedback_dir
// stdin  <- the submission's stdout, stdout -> the submission's stdin.
// Exit 42 = accepted, 43 = wrong answer, anything else = judge error.
//
// The test input holds "N Q" and "P seed": the heights are regenerated here from the seed, so the
// input stays tiny even for N = 10^6 and the answer file is not needed (it only repeats P).
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

static const int AC = 42;
static const int WA = 43;
static std::string feedback_dir;

static void message(const char* text) {
    std::string path = feedback_dir + "/judgemessage.txt";
    FILE* f = fopen(path.c_str(), "a");
    if (f) {
        fprintf(f, "%s\n", text);
        fclose(f);
    }
}

static void finish(int code, const char* text) {
    message(text);
    exit(code);
}

static void judge_error(const char* text) {
    fprintf(stderr, "judge error: %s\n", text);
    message(text);
    exit(1);
}

// splitmix64: the same generator is described in generator/gen.py, so the data is reproducible.
static uint64_t state;
static uint64_t next_random() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void reply(long long value) {
    // A submission that already exited makes the write fail (SIGPIPE is ignored): that is its loss.
    if (printf("%lld\n", value) < 0 || fflush(stdout) != 0) finish(WA, "submission closed its input early");
}

int main(int argc, char** argv) {
    if (argc < 4) judge_error("usage: ridge input_file judge_answer_file feedback_dir");
    feedback_dir = argv[3];
    signal(SIGPIPE, SIG_IGN);

    FILE* in = fopen(argv[1], "r");
    if (!in) judge_error("cannot open the test input");
    long long n, q, p;
    unsigned long long seed;
    if (fscanf(in, "%lld %lld %lld %llu", &n, &q, &p, &seed) != 4) judge_error("bad test input");
    fclose(in);
    if (n < 1 || n > 1000000 || q < 1 || p < 1 || p > n) judge_error("test input out of range");

    // Strictly increasing up to position p, strictly decreasing after it; steps are 1..100.
    state = seed;
    std::vector<long long> h(n + 1);
    h[1] = (long long)(next_random() % 1000000);
    for (long long i = 2; i <= n; ++i) {
        long long step = 1 + (long long)(next_random() % 100);
        h[i] = i <= p ? h[i - 1] + step : h[i - 1] - step;
    }

    if (printf("%lld %lld\n", n, q) < 0 || fflush(stdout) != 0) finish(WA, "submission closed its input early");

    long long used = 0;
    char kind[8];
    char buffer[160];
    while (true) {
        if (scanf("%7s", kind) != 1) finish(WA, "submission ended without answering");
        long long x;
        if (scanf("%lld", &x) != 1) finish(WA, "expected an integer after the command");
        if (strcmp(kind, "?") == 0) {
            if (x < 1 || x > n) finish(WA, "query index out of range");
            if (++used > q) {
                snprintf(buffer, sizeof buffer, "too many queries (limit %lld)", q);
                finish(WA, buffer);
            }
            reply(h[x]);
        } else if (strcmp(kind, "!") == 0) {
            if (x != p) {
                snprintf(buffer, sizeof buffer, "wrong peak %lld (expected %lld)", x, p);
                finish(WA, buffer);
            }
            snprintf(buffer, sizeof buffer, "correct peak with %lld queries", used);
            finish(AC, buffer);
        } else {
            finish(WA, "unknown command");
        }
    }
}
