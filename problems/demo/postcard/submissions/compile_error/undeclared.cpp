// Reference with an undeclared name (`one` was never defined).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

static int bit_length(long long x) {
    int b = 0;
    while (x > 0) ++b, x >>= 1;
    return b;
}

static int low_bits(long long n, long long k) {
    int l = 0;
    while ((k << l) < n) ++l;
    return l;
}

int main() {
    std::ios::sync_with_stdio(false);
    std::string mode;
    long long n, k;
    std::cin >> mode >> n >> k;
    int b = bit_length(n), l = low_bits(n, k);
    bool fixed = b <= l + 2;
    if (mode == "encode") {
        long long full, cap;
        std::cin >> full >> cap;
        std::vector<long long> v(k);
        for (auto& x : v) std::cin >> x;
        std::string card;
        if (fixed) {
            for (long long x : v)
                for (int i = b - 1; i >= 0; --i) card.push_back((char)('0' + ((x >> i) & 1)));
        } else {
            for (long long x : v)
                for (int i = l - 1; i >= 0; --i) card.push_back((char)('0' + (((x - 1) >> i) & 1)));
            long long bucket = 0;
            for (long long x : v) {
                long long high = (x - 1) >> l;
                card.append((size_t)(high - bucket), '0');
                card.push_back(one);
                bucket = high;
            }
        }
        std::cout << card << "\n";
    } else {
        std::string card;
        std::cin >> card;
        std::vector<long long> v;
        v.reserve(k);
        if (fixed) {
            for (long long j = 0; j < k; ++j) {
                long long x = 0;
                for (int i = 0; i < b; ++i) x = 2 * x + (card[j * b + i] - '0');
                v.push_back(x);
            }
        } else {
            size_t pos = (size_t)(k * l);
            long long bucket = 0;
            for (long long j = 0; j < k; ++j) {
                while (card[pos] == '0') ++bucket, ++pos;
                ++pos;
                long long low = 0;
                for (int i = 0; i < l; ++i) low = 2 * low + (card[j * l + i] - '0');
                v.push_back((bucket << l) + low + 1);
            }
        }
        std::string out;
        for (long long x : v) out += std::to_string(x) + "\n";
        std::cout << out;
    }
    return 0;
}
