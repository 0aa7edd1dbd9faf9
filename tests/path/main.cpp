// The entry point of cgp-path's tests (Boost.Test, shared library).
#define BOOST_TEST_MODULE cgp - path tests
#include <boost/test/unit_test.hpp>
