// Loop bound off by one: prints the word one time too many.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    int k;
    cin >> s >> k;
    string out;
    for (int i = 0; i <= k; i++) out += s;
    cout << out << "\n";
}
