// Validator for Lanterns, general constraints (every subtask): strict format
//   line 1: N (1 <= N <= 200000)
//   line 2: b_1 ... b_N separated by single spaces (1 <= b_i <= 10^9)
// and nothing else. Reads the input on stdin; exit code 0 = valid, 1 = invalid (reason on stderr).
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
    std::size_t start = pos;
    bool negative = pos < in.size() && in[pos] == '-';
    if (negative) ++pos;
    std::size_t digits = pos;
    long long value = 0;
    while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9') {
        if (pos - digits >= 18) fail("integer too long");
        value = value * 10 + (in[pos++] - '0');
    }
    if (pos == digits) fail("expected an integer");
    if (in[digits] == '0' && pos - digits > 1) fail("leading zero");
    if (negative && value == 0) fail("negative zero");
    if (negative) value = -value;
    if (value < lo || value > hi) {
        pos = start;
        fail("integer out of range");
    }
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

    long long n = readInt(1, 200000);
    expect('\n');
    for (long long i = 0; i < n; ++i) {
        readInt(1, 1000000000);
        expect(i + 1 == n ? '\n' : ' ');
    }
    if (pos != in.size()) fail("trailing data after the last line");
    return 0;
}
