"""C++ programs compile with every header the toolchain ships while the precompiled bits/stdc++.h is on,
in both sandboxes: bits/extc++.h includes bits/stdc++.h itself (where the .gch cannot be used), and the
PCH folder must not hide the real header or any other bits/ header."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.judge.compile import Compiler
from ioi_agent.sandbox import SandboxPool, cache_root, choose_backend

PROGRAMS = {
    "extc.cpp": (
        "#include <bits/extc++.h>\nusing namespace std;\n"
        "int main(){ __gnu_pbds::gp_hash_table<int,int> m; m[1]=2; "
        "__gnu_pbds::tree<int, __gnu_pbds::null_type, less<int>, __gnu_pbds::rb_tree_tag,"
        " __gnu_pbds::tree_order_statistics_node_update> t; t.insert(5); cout << m[1] + t.order_of_key(6); }\n"
    ),
    "stdc.cpp": "#include <bits/stdc++.h>\nint main(){ std::vector<int> v{1}; std::cout << v[0]; }\n",
    "both.cpp": "#include <bits/stdc++.h>\n#include <bits/extc++.h>\nint main(){ return 0; }\n",
    "others.cpp": (
        "#include <bits/stdtr1c++.h>\n#include <ext/rope>\n#include <bits/c++config.h>\n"
        "int main(){ __gnu_cxx::rope<char> r; r.push_back('a'); return r.size() == 1 ? 0 : 1; }\n"
    ),
}


@pytest.mark.parametrize("use_pch", [True, False])
def test_every_header_compiles(sandbox_name: str, use_pch: bool, tmp_path: Path) -> None:
    backend, _ = choose_backend(sandbox_name)
    with SandboxPool(backend, 1, cache=cache_root()) as pool:
        compiler = Compiler(pool, use_pch=use_pch)
        assert (compiler._pch is not None) == use_pch
        for name, text in PROGRAMS.items():
            src = tmp_path / name
            src.write_text(text)
            result = compiler.compile(src)
            assert result.ok, f"{sandbox_name} {name}: {result.message}"
