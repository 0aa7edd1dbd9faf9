// The entry point of the trust tests: escaping, file identity, bounded reads, output checks, memory.
#define BOOST_TEST_MODULE cgp trust tests
#include <boost/test/unit_test.hpp>
