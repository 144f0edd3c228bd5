import sys

for name in sys.argv[1:]:
    with open(name) as f:
        n = int(f.read())
    print(2 * n)
