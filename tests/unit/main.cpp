// The unit-test executable's entry point (Boost.Test, linked as a shared library).
#define BOOST_TEST_MODULE cgp unit tests
#include <boost/test/unit_test.hpp>
