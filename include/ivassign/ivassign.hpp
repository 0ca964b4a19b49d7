// ivassign/ivassign.hpp — the whole public API in one include.
#pragma once
#include "ivassign/assignment.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/posterior.hpp"
#include "ivassign/report_io.hpp"
#include "ivassign/social.hpp"
#include "ivassign/tolerances.hpp"
#include "ivassign/vcg.hpp"
