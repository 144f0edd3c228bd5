// Validator for Terraces, general constraints (every subtask), in the sample grader's format.
// Strict: single spaces, a newline after each line, nothing else.
//   line 1: N Q            (1 <= N <= 100000, 1 <= Q <= 100000)
//   line 2: H[0] .. H[N-1] (0 <= H[i] <= 10^9)
//   Q lines: L R           (0 <= L <= R <= N - 1)
// Exit code 0 = valid.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

const long long MAX_N = 100000, MAX_Q = 100000, MAX_H = 1000000000;

std::string in;
std::size_t pos = 0;

[[noreturn]] void fail(const char* why) {
    std::fprintf(stderr, "invalid input: %s (byte %zu)\n", why, pos);
    std::exit(1);
}

long long readInt(long long lo, long long hi) {
    std::size_t digits = pos;
    long long value = 0;
    while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9') {
        if (pos - digits >= 18) fail("integer too long");
        value = value * 10 + (in[pos++] - '0');
    }
    if (pos == digits) fail("expected a non-negative integer");
    if (in[digits] == '0' && pos - digits > 1) fail("leading zero");
    if (value < lo || value > hi) fail("integer out of range");
    return value;
}

void expect(char c) {
    if (pos >= in.size() || in[pos] != c) fail(c == '\n' ? "expected a newline" : "expected a space");
    ++pos;
}

}  // namespace

int main() {
    char buf[1 << 16];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, stdin)) > 0) in.append(buf, got);

    long long n = readInt(1, MAX_N);
    expect(' ');
    long long q = readInt(1, MAX_Q);
    expect('\n');
    for (long long i = 0; i < n; ++i) {
        readInt(0, MAX_H);
        expect(i + 1 == n ? '\n' : ' ');
    }
    for (long long j = 0; j < q; ++j) {
        long long l = readInt(0, n - 1);
        expect(' ');
        readInt(l, n - 1);
        expect('\n');
    }
    if (pos != in.size()) fail("trailing data after the last line");
    return 0;
}
