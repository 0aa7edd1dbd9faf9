// The entry point of the sweep, figure, drawing and trace tests (Boost.Test, shared library).
#define BOOST_TEST_MODULE cgp sweep and figure tests
#include <boost/test/unit_test.hpp>
