// support.hpp: what the step tests of optimizer files share: a file compiled from disk, arrays from a
// fixed start, a gradient that changes sign and is sometimes exactly 0, and a bitwise comparison.
#pragma once

#include <cgp/optfile/optfile.hpp>
#include <cgp/optfile/program.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace cgp::optfile::testing {

inline const std::filesystem::path kExamples = CGP_EXAMPLES_DIR;
inline const std::filesystem::path kFiles = CGP_OPTFILE_TEST_FILES;

inline CompiledFile compile_file(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return compile(parse_optimizer_file(path.string(), text.str()));
}

inline std::vector<double> defaults(const CompiledFile& file)
{
    std::vector<double> hp;
    for (const cgp_hparam& h : file.hparams)
        hp.push_back(h.default_value);
    return hp;
}

template <class T>
struct Arrays {
    std::vector<T> p, g;
    std::vector<std::vector<T>> state;

    std::vector<T*> state_pointers()
    {
        std::vector<T*> s;
        for (auto& v : state)
            s.push_back(v.data());
        return s;
    }
};

// p = sin(0.37 i + 1), the states 0.
template <class T>
Arrays<T> start(const Program& program, std::size_t n)
{
    Arrays<T> a;
    a.p.resize(n);
    a.g.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        a.p[i] = static_cast<T>(std::sin(0.37 * static_cast<double>(i) + 1.0));
    a.state.assign(program.state_count, std::vector<T>(n, T(0)));
    return a;
}

// The gradient of step t: changing sign, exactly 0 at every 11th element (sign(0) is 0).
template <class T>
void gradient(Arrays<T>& a, std::uint64_t t)
{
    for (std::size_t i = 0; i < a.p.size(); ++i)
        a.g[i] = i % 11 == 0 ? T(0) : a.p[i] - static_cast<T>(std::cos(0.11 * static_cast<double>(i + t)));
}

template <class T>
bool same_bits(const std::vector<T>& x, const std::vector<T>& y)
{
    return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0);
}

} // namespace cgp::optfile::testing
