#include <bits/stdc++.h>
int main() {
    long long n;
    std::cin >> n;
    long long cnt = 0;
    for (long long a = 1; a * (a + 1) * (a + 2) < n; a++) cnt++;
    std::cout << cnt << "\n";
}
