// Validator for subtask 1 of Solar Farm: the general constraints and N <= 300. Strict format:
//   line 1: N K            (1 <= K <= N <= 300)
//   line 2: a_1 ... a_N    (0 <= a_i <= 1000)
//   line 3: b_1 ... b_N    (1 <= b_i <= 1000)
// single spaces, a newline after each line, nothing else. Exit code 0 = valid.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

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

void readLine(long long n, long long lo, long long hi) {
    for (long long i = 0; i < n; ++i) {
        readInt(lo, hi);
        expect(i + 1 == n ? '\n' : ' ');
    }
}

}  // namespace

int main() {
    char buf[1 << 16];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, stdin)) > 0) in.append(buf, got);

    long long n = readInt(1, 300);
    expect(' ');
    readInt(1, n);
    expect('\n');
    readLine(n, 0, 1000);
    readLine(n, 1, 1000);
    if (pos != in.size()) fail("trailing data after the last line");
    return 0;
}
