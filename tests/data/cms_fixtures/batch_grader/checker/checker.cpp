// CMS checker protocol: checker input correct_output contestant_output;
// the test's score in [0, 1] on stdout, a message on stderr.
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 4) return 1;
    std::ifstream correct(argv[2]), contestant(argv[3]);
    std::string want, got;
    correct >> want;
    if (!(contestant >> got) || got != want) {
        std::cout << "0\n";
        std::cerr << "Output isn't correct\n";
        return 0;
    }
    std::cout << "1\n";
    std::cerr << "Output is correct\n";
    return 0;
}
