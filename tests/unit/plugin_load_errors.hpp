// plugin_load_errors.hpp: the message Plugin::load refuses a file with, for the host's unit tests.
#pragma once

#include <cgp/host/plugin.hpp>
#include <cgp/io/error.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

namespace cgp::test {

// The refusal's text; fails the test when the file loads.
inline std::string load_error(const std::filesystem::path& path)
{
    try {
        Plugin::load(path);
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("loaded " + path.string());
    return {};
}

inline bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace cgp::test
