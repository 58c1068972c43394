"""The words of the specification registry: the sources behind the provenance tags, one-line titles and notes for the
conditions and theorems that :mod:`momcert.theory.conditions` and :mod:`momcert.theory.theorems` decide, and the
results momcert uses without deciding them from a schedule: the [LK] lemmas and theorems (PMLR numbering), the [TXT]
baselines and the definitions of the two methods. :mod:`momcert.theory.registry` assembles them. Standard library only.
"""

from __future__ import annotations

from .entries import Entry, compose
from .statements import LK_ASSUMPTIONS, LK_HYPOTHESES, LK_PARAMETER_HYPOTHESES, THEOREM6_HYPOTHESES, THEOREM7_HYPOTHESES

#: What each provenance tag stands for.
SOURCES = {
    "[XHT]": "Xiao, Hu & Toh, Convergence Guarantees for Stochastic Subgradient Methods in Nonsmooth Nonconvex "
             "Optimization, arXiv 2307.10053 (2023). Only the abstract is confirmed, so no statement carries a number.",
    "[SA]": "the stochastic-approximation theory that [XHT] builds on (Benaim, Hofbauer & Sorin 2005; Borkar's "
            "two-timescale analysis; Davis, Drusvyatskiy, Kakade & Lee 2020; Bolte & Pauwels 2020, 2021): standard "
            "hypotheses of that theory, since the exact wording in [XHT] was not available.",
    "[LK]": "Liao & Kyrillidis, Provable Accelerated Convergence of Nesterov's Momentum for Deep ReLU Neural Networks, "
            "ALT 2024, PMLR 237:732-784 (arXiv 2306.08109). Numbering of the PMLR version.",
    "[TXT]": "textbook results used as baselines (Nesterov 2018; d'Aspremont, Scieur & Taylor 2021; Karimi, Nutini & "
             "Schmidt 2016; Goujaud, Taylor & Dieuleveut 2023).",
}

#: The numbering shown for a statement whose provenance names no numbered statement.
UNNUMBERED = {
    "[XHT]": "[XHT], unnumbered",
    "[SA]": "[SA], standard (unnumbered)",
    "[XHT]/[SA]": "[XHT]/[SA], unnumbered",
}

#: One-line titles of the conditions (a condition without one is titled by its statement).
CONDITION_TITLES = {
    "eta_positive": "the stepsize of the variables is positive",
    "theta_in_unit": "the momentum stepsize lies in (0, 1]",
    "eta_to_zero": "the stepsize of the variables tends to 0",
    "eta_sum_diverges": "the stepsizes of the variables are not summable",
    "theta_to_zero": "the momentum stepsize tends to 0",
    "theta_sum_diverges": "the momentum stepsizes are not summable",
    "ratio_to_zero": "two timescales: the momentum runs faster than the variables",
    "ratio_to_constant": "single timescale: the two stepsizes are proportional in the limit",
    "noise_bounded": "noise condition for uniformly bounded martingale-difference noise: theta_k = o(1/log k)",
    "noise_l2": "noise condition for noise with a bounded conditional second moment",
    "eta_noise_bounded": "the bounded-noise condition on eta_k, for plain SGD (theta_k = 1)",
    "eta_noise_l2": "the second-moment noise condition on eta_k, for plain SGD (theta_k = 1)",
    "random_scale": "eta_k carries one random factor drawn from a density",
}

_NOISE_NOTE = ("The noise enters through the momentum, so its condition is on theta_k; momcert check --noise "
               "bounded|l2 picks the noise model (bounded by default) and reports which condition it used.")
_ETA_NOISE_NOTE = "For plain SGD (theta_k = 1) the noise enters through eta_k, so the noise condition is on eta_k."

CONDITION_NOTES = {
    "noise_bounded": (_NOISE_NOTE,),
    "noise_l2": (_NOISE_NOTE,),
    "eta_noise_bounded": (_ETA_NOISE_NOTE,),
    "eta_noise_l2": (_ETA_NOISE_NOTE,),
    "random_scale": ("momcert check --random-scale A:B declares the interval [A, B]; the conditions on eta_k are "
                     "invariant under a positive factor, so only 0 < A < B is checked.",),
}

#: Headings of the kinds of entries in ``momcert explain`` and the README.
HEADINGS = {
    "condition": "Stepsize conditions (decided by momcert check)",
    "theorem": "Theorems",
    "assumption": "Assumptions (not checkable from a schedule)",
    "hypothesis": "Hypotheses of [LK] Theorems 6 and 7 (decided by momcert nesterov)",
    "lemma": "Lemmas",
    "baseline": "Baselines",
    "definition": "Definitions",
}

THEOREM_TITLES = {
    "sgd": "plain SGD (theta_k = 1, heavy-ball map): cluster points are stationary",
    "xht-single": "single timescale: stationarity, with the Lyapunov function f(x) + phi(m)/tau",
    "xht-two": "two timescales: stationarity, and the momentum tracks the field",
    "xht-clarke": "randomly scaled stepsizes on finite sums: Clarke stationarity",
}

THEOREM_NOTES = {
    "sgd": ("Plain SGD is heavy-ball with theta_k = 1: the theorem needs theta_k = 1 and the heavy-ball map "
            "Phi(m) = m, besides its stepsize conditions.",),
    "xht-clarke": (
        "Why randomness matters: autodiff returns an element of a conservative field, not of the Clarke "
        "subdifferential. z(x) = relu(x) - relu(-x) - x is identically 0, yet autodiff with relu'(0) = 0 gives "
        "z'(0) = -1; F(x) = (x - 1)^2/2 - z(x) equals (x - 1)^2/2, but autodiff reports F'(0) = 0, an artificial "
        "critical point. Gradient descent from x_0 = 2 with eta = 2 lands exactly on 0 and stays there; a randomly "
        "scaled eta or x_0 misses it with probability one (momcert verify artificial-critical).",),
}

_LK_ASSUMED = tuple(a.id for a in LK_ASSUMPTIONS)


def _lk(number: str) -> str:
    return f"[LK] {number} (PMLR numbering)"


def _lk_lemma(identifier: str, number: str, title: str, statement: str, latex: str, conclusion: str,
              notes: tuple[str, ...] = ()) -> Entry:
    """An [LK] lemma about the class of Assumptions 1-6."""
    return Entry(identifier, "lemma", title, statement, latex, "[LK]", _lk(number), conclusion=conclusion,
                 assumed=_LK_ASSUMED, notes=notes)


def _lk_theorem(identifier: str, number: str, title: str, hypotheses: tuple[str, ...], conclusion: tuple[str, str],
                notes: tuple[str, ...] = ()) -> Entry:
    """An [LK] theorem whose hypotheses are those ``momcert nesterov`` decides: its statement composed from them."""
    parts = [(LK_HYPOTHESES[h].statement, LK_HYPOTHESES[h].latex) for h in hypotheses]
    text, latex = compose([("Assumptions 1-6 hold", r"\text{Assumptions 1--6 hold}"), *parts], conclusion)
    return Entry(identifier, "theorem", title, text, latex, "[LK]", _lk(number), hypotheses=hypotheses,
                 conclusion=conclusion[0], assumed=_LK_ASSUMED, notes=notes)


_LAMBDA = r"\lambda_{1\to\Lambda-1}"
_MIN_LAMBDA = r"\min_{l<\Lambda} \lambda_l"

LK_RESULTS: tuple[Entry, ...] = (
    Entry("lk-theorem-3", "theorem", "smooth strongly convex functions belong to the class",
          "Every L-smooth mu-strongly convex function f(x, u) = f(x) satisfies Assumptions 1-6 with L1 = L, "
          "G1 = G2 = 0.",
          r"f\ L\text{-smooth and } \mu\text{-strongly convex} \Rightarrow \text{Assumptions 1--6 hold with } "
          r"L_1 = L,\ G_1 = G_2 = 0",
          "[LK]", _lk("Theorem 3"), conclusion="Assumptions 1-6 hold with G1 = G2 = 0",
          notes=("So [LK] Theorem 7 applies to the textbook class; the exact worst case there (txt-pep) measures how "
                 "loose its rate is.",)),
    _lk_lemma("lk-lemma-4", "Lemma 4", "the class satisfies the Polyak-Lojasiewicz inequality with constant mu",
              "Under Assumptions 1-6, ||grad_x f(x, u)||^2 >= 2 mu (f(x, u) - f*) on the balls.",
              r"\|\nabla_x f(x,u)\|^2 \ge 2\mu\,(f(x,u) - f^*)", "PL inequality in x with constant mu"),
    _lk_lemma("lk-lemma-8", "Lemma 8", "the minimizer in x moves Lipschitz-continuously with u",
              "Under Assumptions 1-6, the minimizer x*(u) of f(., u) is G2/mu-Lipschitz: "
              "||x*(u) - x*(v)|| <= (G2/mu) ||u - v||.",
              r"\|x^*(u) - x^*(v)\| \le \frac{G_2}{\mu} \|u - v\|", "x*(u) is G2/mu-Lipschitz"),
    _lk_lemma("lk-lemma-9", "Lemma 9", "the u-gradient is controlled by the x-gradient",
              "Under Assumptions 1-6, ||grad_u f(x, u)||^2 <= (G1^2 L2 / mu) ||grad_x f(x, u)||^2.",
              r"\|\nabla_u f(x,u)\|^2 \le \frac{G_1^2 L_2}{\mu} \|\nabla_x f(x,u)\|^2",
              "||grad_u f||^2 <= (G1^2 L2 / mu) ||grad_x f||^2"),
    _lk_lemma("lk-lemma-10", "Lemma 10, in the proof of Theorem 7",
              "the iterate moves of Nesterov's method shrink geometrically",
              "Under the hypotheses of Theorem 7, Nesterov's iterates satisfy "
              "||x_k - x_{k-1}||^2 <= Q2 rho^k phi_0 and ||u_k - u_{k-1}||^2 <= G1^2 Q3 rho^k phi_0, with "
              "Q2 = 6 eta (L2+1)/(1-beta), Q3 = 6 eta L2 (L2+1) (1+beta)^3 / (mu beta (1-beta)^3), "
              "rho = 1 - c/(4 sqrt(kappa)) and phi_0 <= 2 Delta0.",
              r"\|x_k - x_{k-1}\|^2 \le Q_2 \rho^k \phi_0,\ \|u_k - u_{k-1}\|^2 \le G_1^2 Q_3 \rho^k \phi_0,\ "
              r"Q_2 = \frac{6\eta(L_2+1)}{1-\beta},\ Q_3 = \frac{6\eta L_2 (L_2+1)(1+\beta)^3}{\mu\beta(1-\beta)^3},\ "
              r"\rho = 1 - \frac{c}{4\sqrt{\kappa}},\ \phi_0 \le 2\Delta_0",
              "the moves of x and u are bounded by Q2 rho^k phi_0 and G1^2 Q3 rho^k phi_0",
              ("momcert nesterov prints Q2 and Q3; momcert verify compares the bounds with the moves of real runs.",)),
    _lk_theorem("lk-theorem-6", "Theorem 6", "gradient descent converges linearly on the class",
                tuple(h.id for h in THEOREM6_HYPOTHESES),
                ("gradient descent x_{k+1} = x_k - eta grad f(x_k) with eta = c/L1 satisfies "
                 "f_k - f* <= (1 - c/(4 kappa))^k Delta0, Delta0 = f(x_0, u_0) - f*",
                 r"\text{gradient descent with } \eta = c/L_1 \text{ satisfies } "
                 r"f_k - f^* \le \left(1 - \frac{c}{4\kappa}\right)^k \Delta_0"),
                notes=("All its constants are explicit: momcert decides every hypothesis and therefore the bound.",)),
    _lk_theorem("lk-theorem-7", "Theorem 7", "Nesterov's momentum converges at the accelerated rate",
                tuple(h.id for h in (LK_PARAMETER_HYPOTHESES[0], *THEOREM7_HYPOTHESES)),
                ("Nesterov's method (lk-nesterov) keeps x_k, y_k in B_x(R_x) and u_k, v_k in B_u(R_u), and "
                 "f(x_k, u_k) - f* <= 2 (1 - c/(4 sqrt(kappa)))^k Delta0",
                 r"x_k, y_k \in B_x(R_x),\ u_k, v_k \in B_u(R_u),\ "
                 r"f(x_k, u_k) - f^* \le 2\left(1 - \frac{c}{4\sqrt{\kappa}}\right)^k \Delta_0"),
                notes=("C1, C2 > 0 are absolute constants whose values the paper does not give, and c is specified "
                       "only by c <= 1/51: momcert never picks them but reports the implied constant, the smallest "
                       "value for which an inequality holds with the given quantities.",
                       "Along the way the proof bounds the iterate moves (lk-lemma-10).")),
    Entry("lk-theorem-13", "theorem", "the additive model: acceleration when the u-part is weak",
          "The additive model f(x, u) = ||A1 x + sigma(A2 u) - b||^2 / 2 with a B-Lipschitz sigma (ReLU: B = 1) "
          "satisfies Assumptions 1-6 with mu = s_min(A1)^2, L1 = s_max(A1)^2, L2 = 1, G1 = B s_max(A2), "
          "G2 = B s_max(A1) s_max(A2), R_x = R_u = infinity and f* = 0; Nesterov's method converges at the rate of "
          "Theorem 7 if s_min(A1) >= C~ B s_max(A2) kappa^(3/4), with C~ an absolute constant the paper does not give.",
          r"f(x,u) = \tfrac12 \|A_1 x + \sigma(A_2 u) - b\|^2:\ \mu = s_{\min}(A_1)^2,\ L_1 = s_{\max}(A_1)^2,\ "
          r"L_2 = 1,\ G_1 = B\, s_{\max}(A_2),\ G_2 = B\, s_{\max}(A_1) s_{\max}(A_2),\ R_x = R_u = \infty,\ "
          r"f^* = 0;\ \text{accelerated if } s_{\min}(A_1) \ge \tilde{C} B\, s_{\max}(A_2)\, \kappa^{3/4}",
          "[LK]", _lk("Theorem 13, Section 4.1"),
          conclusion="f(x_k, u_k) - f* <= 2 (1 - c/(4 sqrt(kappa)))^k Delta0 on the additive model",
          notes=("momcert reports the implied constant s_min(A1) / (B s_max(A2) kappa^(3/4)).",
                 "The paper's only experiment: GD against Nesterov, 100 iterations, 10 trials, s_max(A2) in "
                 "{0.01, 0.3, 5}; acceleration is clear at 0.01 and 0.3, and at 5 Nesterov is still faster on average "
                 "but with a much larger spread across trials (outside the theorem). Dimensions, kappa and the data "
                 "generation are not given (momcert verify additive).")),
    Entry("lk-lemma-14", "lemma", "deep ReLU networks belong to the class, with explicit constants",
          "For the deep ReLU network of Theorem 15 with the split of lk-setting, let lambda_l bound s_max(W_l) over "
          "the balls with ||W_l(0)||_2 <= lambda_l/2 (a free choice), lambda_{i->j} = prod_{l=i}^{j} lambda_l and "
          "alpha_0 = s_n(F_{Lambda-1}(0)), the n-th singular value of the initial penultimate features. If "
          "alpha_0 > 0, Assumptions 1-6 hold with R_x = lambda_Lambda/2, "
          "R_u = (1/2) min_{l<Lambda} lambda_l min{1, alpha_0 / (2 sqrt(Lambda) ||X||_F lambda_{1->Lambda-1})}^2, "
          "mu = alpha_0^2/2, L1 = ||X||_F^2 lambda_{1->Lambda-1}^2, L2 = 1, f* = 0, "
          "G1 = (lambda_Lambda + R_u) sqrt(Lambda) ||X||_F lambda_{1->Lambda-1} / min_{l<Lambda} lambda_l and "
          "G2 = ((2 lambda_Lambda + R_u) ||X||_F lambda_{1->Lambda-1} + ||Y||_F) sqrt(Lambda) ||X||_F "
          "lambda_{1->Lambda-1} / min_{l<Lambda} lambda_l.",
          rf"\alpha_0 = s_n(F_{{\Lambda-1}}(0)) > 0 \Rightarrow \text{{Assumptions 1--6 with }} "
          rf"R_x = \tfrac{{\lambda_\Lambda}}{{2}},\ R_u = \tfrac12 {_MIN_LAMBDA} \min\left\{{1, "
          rf"\frac{{\alpha_0}}{{2\sqrt{{\Lambda}}\,\|X\|_F\,{_LAMBDA}}}\right\}}^2,\ \mu = \tfrac{{\alpha_0^2}}{{2}},\ "
          rf"L_1 = \|X\|_F^2 {_LAMBDA}^2,\ L_2 = 1,\ f^* = 0,\ "
          rf"G_1 = \frac{{(\lambda_\Lambda + R_u)\sqrt{{\Lambda}}\,\|X\|_F\,{_LAMBDA}}}{{{_MIN_LAMBDA}}},\ "
          rf"G_2 = \frac{{\left((2\lambda_\Lambda + R_u)\|X\|_F\,{_LAMBDA} + \|Y\|_F\right)\sqrt{{\Lambda}}\,\|X\|_F\,"
          rf"{_LAMBDA}}}{{{_MIN_LAMBDA}}}",
          "[LK]", _lk("Lemma 14, Section 4.2"), conclusion="Assumptions 1-6 hold with these constants",
          notes=("mu = alpha_0^2/2 because the proof shows s_n >= (3/4) alpha_0 over the ball, and (3/4)^2 >= 1/2.",
                 "momcert verify relu-nesterov reports these constants and checks them along the run: the measured "
                 "alpha_k^2 >= alpha_0^2/2 and ||W_l - W_l(0)|| <= lambda_l/2.")),
    Entry("lk-theorem-15", "theorem", "Nesterov's momentum accelerates wide deep ReLU networks",
          "Let F_0 = X (n x d0), F_l = relu(F_{l-1} W_l) for l < Lambda, the output F_Lambda = F_{Lambda-1} W_Lambda "
          "(linear) and the loss L(theta) = ||F_Lambda - Y||_F^2 / 2, with W_l initialized with N(0, 1/d_{l-1}) "
          "entries for l < Lambda and the last layer with N(0, d_{Lambda-1}^(-3/2)) entries. If the hidden widths "
          "are Theta(m), the penultimate width is d_{Lambda-1} = Omega(n^4.5 max(n, d0^2)), ||X||_F = O(sqrt(n d0)) "
          "and ||Y||_F = O(sqrt(n)), then with high probability over the initialization Nesterov's method with "
          "eta = c/L1, beta as in lk-nesterov and kappa = 2 L1/alpha_0^2 (= L1/mu, constants of Lemma 14) satisfies "
          "L(theta_k) <= 2 (1 - c/(4 sqrt(kappa)))^k L(theta_0).",
          r"d_{\Lambda-1} = \Omega\left(n^{4.5} \max(n, d_0^2)\right),\ \|X\|_F = O(\sqrt{n d_0}),\ "
          r"\|Y\|_F = O(\sqrt{n}) \Rightarrow \text{w.h.p. } "
          r"L(\theta_k) \le 2\left(1 - \frac{c}{4\sqrt{\kappa}}\right)^k L(\theta_0),\ "
          r"\kappa = \frac{2 L_1}{\alpha_0^2}",
          "[LK]", _lk("Theorem 15, Section 4.2"),
          conclusion="L(theta_k) <= 2 (1 - c/(4 sqrt(kappa)))^k L(theta_0) with high probability over the "
                     "initialization",
          notes=("The width is that of the formal statement; the introduction's n^4 and the informal n^4 d0^2 are "
                 "looser restatements. The constant in Omega is not given: momcert reports the implied constant "
                 "d_{Lambda-1} / (n^4.5 max(n, d0^2)).",
                 "For the squared loss the exact x-block constants are computable: the x-Hessian is "
                 "(V1 F^T F V1^T) (x) I, so the measured mu_k and L1_k are extreme squared singular values of the "
                 "penultimate features on the row space of V1; momcert verify relu-nesterov reports the paper's "
                 "constants and the measured ones along the run.")),
)

BASELINES: tuple[Entry, ...] = (
    Entry("txt-gd-pl", "baseline", "gradient descent under the PL inequality",
          "Gradient descent with step 1/L on an L-smooth f that satisfies the PL inequality with constant mu: "
          "f_k - f* <= (1 - mu/L)^k (f_0 - f*).",
          r"f_k - f^* \le \left(1 - \frac{\mu}{L}\right)^k (f_0 - f^*)", "[TXT]", "[TXT] Karimi, Nutini & Schmidt 2016",
          conclusion="linear convergence with rate 1 - mu/L"),
    Entry("txt-nesterov", "baseline", "Nesterov's method with the textbook parameters",
          "Nesterov's method with eta = 1/L and beta = (sqrt(kappa) - 1)/(sqrt(kappa) + 1), kappa = L/mu, on an "
          "L-smooth mu-strongly convex f: f_k - f* <= (1 - 1/sqrt(kappa))^k (f_0 - f* + mu/2 ||x_0 - x*||^2).",
          r"f_k - f^* \le \left(1 - \frac{1}{\sqrt{\kappa}}\right)^k \left(f_0 - f^* + \frac{\mu}{2} "
          r"\|x_0 - x^*\|^2\right),\ \eta = \frac1L,\ \beta = \frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}",
          "[TXT]", "[TXT] Nesterov 2018; d'Aspremont, Scieur & Taylor 2021",
          conclusion="accelerated linear convergence with rate 1 - 1/sqrt(kappa)"),
    Entry("txt-heavy-ball", "baseline", "heavy ball tuned for quadratics has no accelerated guarantee",
          "The heavy-ball method with alpha = 4/(sqrt(L) + sqrt(mu))^2 and beta = ((sqrt(kappa) - 1)/(sqrt(kappa) + "
          "1))^2 has no accelerated guarantee on the class of L-smooth mu-strongly convex functions: its exact worst "
          "case (txt-pep) grows with the number of steps n.",
          r"\alpha = \frac{4}{(\sqrt{L} + \sqrt{\mu})^2},\ \beta = \left(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}"
          r"\right)^2:\ \text{no accelerated guarantee on smooth strongly convex functions}",
          "[TXT]", "[TXT] Goujaud, Taylor & Dieuleveut 2023", conclusion="no guaranteed rate on this class"),
    Entry("txt-pep", "baseline", "the exact worst case of a fixed method (performance estimation)",
          "The exact worst case of f(x_n) - f* of a fixed method after n steps, over all L-smooth mu-strongly convex "
          "functions (in every dimension) and all starts with a unit initial quantity, is the value of a "
          "semidefinite program; PEPit solves it with the free Clarabel or SCS solvers. It is the tight reference "
          "against which a proven rate's looseness is measured: for mu = 0.1, L = 1 and Nesterov's textbook "
          "parameters the worst case after 8 steps is about 0.014, the textbook bound 0.048.",
          r"\max\left\{f(x_n) - f^* : f\ L\text{-smooth, } \mu\text{-strongly convex},\ "
          r"\text{initial quantity} \le 1\right\}",
          "[TXT]", "[TXT] d'Aspremont, Scieur & Taylor 2021 (performance estimation), computed by PEPit",
          conclusion="the tight worst case, below every valid bound",
          notes=("momcert nesterov --pep N divides the proven bounds by it (PEPit is the optional extra "
                 "momcert[pep]).",)),
)

DEFINITIONS: tuple[Entry, ...] = (
    Entry("framework", "definition", "the SGD-type framework with separate stepsizes for momentum and variables",
          "Minimize a locally Lipschitz f over R^n, k = 0, 1, 2, ...: g_k = d_k + xi_{k+1} with d_k in D_f(x_k) "
          "(autodiff's minibatch (sub)gradient, D_f a conservative field) and noise xi_{k+1}; "
          "m_{k+1} = m_k + theta_k (g_k - m_k) with theta_k in (0, 1]; x_{k+1} = x_k - eta_k h_k with "
          "h_k in Phi(m_{k+1}), Phi the subdifferential of a convex phi. The map names the method: heavy-ball "
          "(phi = ||m||^2/2, Phi(m) = m), sign (Signum; phi = ||m||_1, sign(m), 0 at 0), normalized "
          "(phi = ||m||_2, m/||m||, 0 at 0), clip (norm clipping at level gamma; a Huber phi, min(1, gamma/||m||) m), "
          "clip-coord (coordinate clipping; a sum of scalar Huber functions, clip(m_i, -gamma, gamma)) and lion "
          "(phi = ||m||_1; x_{k+1} = x_k - eta_k sign((1 - rho theta_k) m_k + rho theta_k g_k) with "
          "rho = (1 - beta1)/(1 - beta2), whose argument is m_{k+1} + (rho - 1) theta_k (g_k - m_k): the "
          "framework's direction plus a perturbation that vanishes when theta_k -> 0). Plain SGD is heavy-ball with "
          "theta_k = 1.",
          r"g_k = d_k + \xi_{k+1},\ d_k \in D_f(x_k);\quad m_{k+1} = m_k + \theta_k (g_k - m_k);\quad "
          r"x_{k+1} = x_k - \eta_k h_k,\ h_k \in \Phi(m_{k+1}),\ \Phi = \partial\phi",
          "[XHT]", "[XHT], the framework of the abstract",
          notes=("The norm-based maps (normalized, clip) act on the whole parameter vector; applying them per tensor "
                 "(Framework(per_tensor=True)) is a different method.",
                 "momcert check --from translates torch.optim.SGD, lion-pytorch and the [XHT] reference code into "
                 "(eta_k, theta_k, m_0, Phi) and prints the translation; each translation is proven against the "
                 "library by a differential test.")),
    Entry("lk-setting", "definition", "partially strongly convex objectives: the split (x, u) and the balls",
          "The parameters split as (x, u), x in R^{d1}, u in R^{d2}, and f(x, u) = g(h(x, u)) with a model h and a "
          "loss g. B_x(R_x) and B_u(R_u) are the balls around x_0 and u_0, and Delta0 = f(x_0, u_0) - f*. For a deep "
          "ReLU network (Appendix F.1) take the SVD F_{Lambda-1}(0) = U Sigma_0 V, V1 the top n rows of V and V2 the "
          "rest: x = vec(V1 W_Lambda) and u = (vec(V2 W_Lambda), vec(W_1), ..., vec(W_{Lambda-1})); V1 stays fixed "
          "along a run.",
          r"f(x, u) = g(h(x, u)),\ x \in \mathbb{R}^{d_1},\ u \in \mathbb{R}^{d_2},\ "
          r"\Delta_0 = f(x_0, u_0) - f^*",
          "[LK]", _lk("Section 2 and Appendix F.1"),
          notes=("Nesterov's iterates are equivariant under the orthogonal change of basis of the split, so the "
                 "algorithm run is plain Nesterov on all parameters.",)),
    Entry("lk-nesterov", "definition", "Nesterov's method with the [LK] parameters",
          "x_{k+1} = y_k - eta grad f(y_k), y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k), y_0 = x_0, on all parameters "
          "jointly (the split (x, u) is never used), with eta = c/L1, beta = (4 sqrt(kappa) - sqrt(c))/(4 sqrt(kappa) "
          "+ 7 sqrt(c)), kappa = L1/mu and an absolute constant c; the proof needs c <= 1/51.",
          r"x_{k+1} = y_k - \eta \nabla f(y_k),\ y_{k+1} = x_{k+1} + \beta (x_{k+1} - x_k),\ y_0 = x_0,\ "
          r"\eta = \frac{c}{L_1},\ \beta = \frac{4\sqrt{\kappa} - \sqrt{c}}{4\sqrt{\kappa} + 7\sqrt{c}}",
          "[LK]", _lk("the method of Theorem 7"),
          notes=("torch.optim.SGD(nesterov=True) with a constant lr is this method written in the extrapolated "
                 "points y_k, with eta = lr and beta = momentum.",)),
)
