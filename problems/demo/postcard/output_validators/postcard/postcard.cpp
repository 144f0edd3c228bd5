// Output validator for "postcard" (Kattis multi-pass, custom score).
// Invocation, both passes: postcard input_file judge_answer_file feedback_dir [points=N] < team_output
// (points=N: the group's output_validator_flags, the test's full score).
// Exit 42 = accepted (score in feedback_dir/score.txt after pass 2, in points), 43 = wrong answer,
// anything else = judge error.
//
// Pass 1 (no state file yet): the team output is the postcard. It is checked, its length is kept
// in feedback_dir/postcard_length, and feedback_dir/nextpass.in gets only what the decoder may see.
// Pass 2 (state file present): the team output is the decoded set; it is compared with the test
// input and scored by the postcard length kept from pass 1.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static const int AC = 42;
static const int WA = 43;
static std::string feedback_dir;
static double points = 1.0;  // a test's full score; its group's output_validator_flags say points=N

static void message(const std::string& text) {
    std::ofstream out(feedback_dir + "/judgemessage.txt", std::ios::app);
    out << text << "\n";
}

static void finish(int code, const std::string& text) {
    message(text);
    exit(code);
}

static void judge_error(const std::string& text) {
    std::cerr << "judge error: " << text << "\n";
    message("judge error: " + text);
    exit(1);
}

struct Test {
    long long n = 0, k = 0, full = 0, cap = 0;
    std::vector<long long> values;
};

static Test read_test(const char* path) {
    std::ifstream in(path);
    std::string mode;
    Test t;
    if (!(in >> mode >> t.n >> t.k >> t.full >> t.cap) || mode != "encode") judge_error("bad test input header");
    if (t.k < 1 || t.k > t.n || t.full < 1 || t.full > t.cap) judge_error("test input out of range");
    t.values.resize(t.k);
    for (auto& v : t.values)
        if (!(in >> v)) judge_error("bad test input values");
    for (long long i = 0; i < t.k; ++i)
        if (t.values[i] < 1 || t.values[i] > t.n || (i > 0 && t.values[i] <= t.values[i - 1]))
            judge_error("test values must be increasing and within 1..N");
    return t;
}

// Reads the next whitespace-separated token of the team output; false at end of output.
static bool next_token(std::string& token) {
    token.clear();
    int c;
    while ((c = getchar()) != EOF && isspace(c)) {
    }
    if (c == EOF) return false;
    do token.push_back((char)c);
    while ((c = getchar()) != EOF && !isspace(c));
    return true;
}

static void first_pass(const Test& t) {
    std::string card, extra;
    if (!next_token(card)) finish(WA, "pass 1: empty output, expected a postcard");
    if (next_token(extra)) finish(WA, "pass 1: more than one token in the output");
    for (char c : card)
        if (c != '0' && c != '1') finish(WA, "pass 1: the postcard may only contain 0 and 1");
    long long length = (long long)card.size();
    if (length > t.cap)
        finish(WA, "pass 1: postcard of length " + std::to_string(length) + " exceeds C = " + std::to_string(t.cap));

    std::ofstream state(feedback_dir + "/postcard_length");
    state << length << "\n";
    state.close();
    std::ofstream next(feedback_dir + "/nextpass.in");
    next << "decode\n" << t.n << " " << t.k << "\n" << card << "\n";
    next.close();
    if (!state || !next) judge_error("cannot write to the feedback directory");
    finish(AC, "pass 1: postcard of length " + std::to_string(length) + " sent to the decoder");
}

static void second_pass(const Test& t, long long length) {
    std::string token;
    for (long long i = 0; i < t.k; ++i) {
        if (!next_token(token)) finish(WA, "pass 2: output has fewer than K numbers");
        char* end = nullptr;
        long long v = strtoll(token.c_str(), &end, 10);
        if (token.empty() || *end != '\0' || v != t.values[i])
            finish(WA, "pass 2: number " + std::to_string(i + 1) + " is wrong");
    }
    if (next_token(token)) finish(WA, "pass 2: output has more than K numbers");

    // Full marks up to T characters, then linearly down to 0.25 at the cap C.
    double score = 1.0;
    if (length > t.full)
        score = 0.25 + 0.75 * (double)(t.cap - length) / (double)(t.cap - t.full);
    FILE* f = fopen((feedback_dir + "/score.txt").c_str(), "w");
    if (!f) judge_error("cannot write score.txt");
    fprintf(f, "%.6f\n", score * points);  // the test's score, in the group's points (Kattis legacy)
    fclose(f);
    finish(AC, "pass 2: decoded correctly; postcard length " + std::to_string(length) + ", T = " +
                   std::to_string(t.full) + ", C = " + std::to_string(t.cap));
}

int main(int argc, char** argv) {
    if (argc < 4) judge_error("usage: postcard input_file judge_answer_file feedback_dir");
    feedback_dir = argv[3];
    for (int i = 4; i < argc; i++)  // output_validator_flags of the test's group: points=N
        if (strncmp(argv[i], "points=", 7) == 0) points = atof(argv[i] + 7);
    Test t = read_test(argv[1]);
    std::ifstream state(feedback_dir + "/postcard_length");
    long long length;
    if (state >> length) second_pass(t, length);
    else first_pass(t);
}
