// QAPLIB -> ivassign/1 (see include/ivassign/generate.hpp).
#include <string>

#include "ivassign/error.hpp"
#include "ivassign/generate.hpp"

namespace ivassign {

Instance qap_as_instance(const QapInstance& qap, double* constant_out) {
  const std::size_t n = static_cast<std::size_t>(qap.n);
  for (std::size_t k = 0; k < n * n; ++k) {
    if (qap.a[k] < 0 || qap.b[k] < 0)
      throw InputError("convert qaplib: " + qap.name + ": " + (qap.a[k] < 0 ? "A" : "B") + "[" +
                       std::to_string(k / n + 1) + "][" + std::to_string(k % n + 1) + "] = " +
                       std::to_string(qap.a[k] < 0 ? qap.a[k] : qap.b[k]) +
                       " is negative; ivassign/1 costs must be non-negative");
  }
  double constant = 0;
  const AssignmentProblem p = qap_as_assignment(qap, &constant);  // the same constant as the solver path
  Instance in;
  in.name = qap.name + " (QAPLIB; welfare = " + std::to_string(qap.n) + " * " + std::to_string(constant) +
            " - QAP objective)";
  in.states = 1;
  in.buyers = in.sellers = qap.n;
  in.signals.assign(n, 1);
  in.prior.form = Prior::Form::Symmetric;
  in.prior.lambda = {1.0};
  in.prior.q.assign(n, std::vector<double>{1.0});
  in.valuations.assign(n * n, constant);
  in.costs.resize(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) in.costs[i * n + j] = qap.a[i * n + i] * qap.b[j * n + j];
  in.externalities.form = Externalities::Form::Factored;
  in.externalities.buyer = p.externalities.buyer;    // a with a zero diagonal
  in.externalities.seller = p.externalities.seller;  // b with a zero diagonal
  in.observed.assign(n, 0);
  validate(in);
  if (constant_out) *constant_out = constant;
  return in;
}

}  // namespace ivassign
