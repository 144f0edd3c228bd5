// Validator for subtask 1 of Lanterns: the general constraints and N <= 1000, strict format.
// Reads the input on stdin; exit code 0 = valid.
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

}  // namespace

int main() {
    char buf[1 << 16];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, stdin)) > 0) in.append(buf, got);

    long long n = readInt(1, 1000);
    expect('\n');
    for (long long i = 0; i < n; ++i) {
        readInt(1, 1000000000);
        expect(i + 1 == n ? '\n' : ' ');
    }
    if (pos != in.size()) fail("trailing data after the last line");
    return 0;
}
