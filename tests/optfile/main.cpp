// The optimizer-file tests' entry point (Boost.Test, linked as a shared library).
#define BOOST_TEST_MODULE cgp optimizer file tests
#include <boost/test/unit_test.hpp>
