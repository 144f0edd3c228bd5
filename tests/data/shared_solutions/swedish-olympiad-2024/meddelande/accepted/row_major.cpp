// Letters on a right/down path form a chain in the (row, col) order, so reading the grid
// row by row already lists them in path order.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n, m;
    cin >> n >> m;
    string out;
    for (int i = 0; i < n; i++) {
        string row;
        cin >> row;
        for (char c : row)
            if (c != '.') out += c;
    }
    cout << out << "\n";
}
