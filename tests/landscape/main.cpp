// The entry point of cgp-landscape's tests (Boost.Test, shared library).
#define BOOST_TEST_MODULE cgp - landscape tests
#include <boost/test/unit_test.hpp>
