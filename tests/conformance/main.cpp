// The conformance test executable's entry point (Boost.Test, linked as a shared library).
// Arguments after `--`: the folder of plugins to check (default: the build's plugin folder).
#define BOOST_TEST_MODULE cgp conformance tests
#include <boost/test/unit_test.hpp>
