// Checker for "bestrun", CMS convention: checker <input> <correct_output> <contestant_output>.
// Prints the test's score in [0, 1] on stdout and a message on stderr (one line each).
// The right sum S earns 0.5; S together with a run l..r that really sums to S earns 1.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

static void verdict(double score, const char* message) {
    printf("%g\n", score);
    fprintf(stderr, "%s\n", message);
    exit(0);
}

static void fail(const char* message) {
    // Bad test data or arguments: a checker failure is a judge error, never a wrong answer.
    fprintf(stderr, "checker failure: %s\n", message);
    exit(1);
}

// Parses a whole token as a 64-bit integer.
static bool parse(const std::string& token, long long& value) {
    if (token.empty() || token.size() > 20) return false;
    char* end = nullptr;
    value = strtoll(token.c_str(), &end, 10);
    return *end == '\0';
}

int main(int argc, char** argv) {
    if (argc < 4) fail("usage: checker input correct_output contestant_output");
    std::ifstream input(argv[1]), correct(argv[2]), contestant(argv[3]);
    int n;
    if (!(input >> n) || n < 1) fail("bad input file");
    std::vector<long long> a(n);
    for (auto& x : a)
        if (!(input >> x)) fail("bad input file");
    long long expected;
    if (!(correct >> expected)) fail("bad correct output file");

    std::vector<std::string> tokens;
    std::string token;
    while (tokens.size() < 4 && contestant >> token) tokens.push_back(token);
    long long s, l, r;
    if (tokens.size() != 3 || !parse(tokens[0], s) || !parse(tokens[1], l) || !parse(tokens[2], r))
        verdict(0.0, "Output isn't correct: expected three integers S l r");
    if (s != expected) verdict(0.0, "translate:wrong");
    if (l < 0 || l > r || r >= n) verdict(0.5, "translate:partial");
    long long sum = 0;
    for (long long i = l; i <= r; ++i) sum += a[i];
    if (sum != s) verdict(0.5, "translate:partial");
    verdict(1.0, "translate:success");
}
