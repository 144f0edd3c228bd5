// Every value in b = bit length of N bits: exactly C characters. Full marks where T = C
// (subtasks 1 and 2), 0.25 of each test in subtask 3. Expected score: 10 + 20 + 0.25 * 70 = 47.5.
#include <iostream>
#include <string>
#include <vector>

int main() {
    std::ios::sync_with_stdio(false);
    std::string mode;
    long long n, k;
    std::cin >> mode >> n >> k;
    int b = 0;
    for (long long x = n; x > 0; x >>= 1) ++b;
    if (mode == "encode") {
        long long full, cap;
        std::cin >> full >> cap;
        std::string card;
        for (long long j = 0; j < k; ++j) {
            long long x;
            std::cin >> x;
            for (int i = b - 1; i >= 0; --i) card.push_back((char)('0' + ((x >> i) & 1)));
        }
        std::cout << card << "\n";
    } else {
        std::string card;
        std::cin >> card;
        std::string out;
        for (long long j = 0; j < k; ++j) {
            long long x = 0;
            for (int i = 0; i < b; ++i) x = 2 * x + (card[j * b + i] - '0');
            out += std::to_string(x) + "\n";
        }
        std::cout << out;
    }
    return 0;
}
