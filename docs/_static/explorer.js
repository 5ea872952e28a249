/* lossnotes explorer: the experiment recomputed in the reader's browser.

   window.lossnotesExplorer is the numeric core, a port of lossnotes' own code
   (src/lossnotes/softmax.py, losses.py and descent.py) for three classes:

     evaluate(logits, target, loss) -> {loss, grad, probabilities}
       logits: three numbers (finite or -Infinity, at least one finite); target:
       0, 1 or 2; loss: "cross_entropy", "mse" or "mse_logits". As
       lossnotes.loss_and_grad and lossnotes.softmax.
     descend({start, target, loss, optimiser, lr, steps}) ->
       {recoveredAt, finalLogits, finalLoss}
       optimiser: "gd", "adam" (lossnotes' default betas and eps) or "sign";
       recoveredAt: the first update count after which the target's logit is
       strictly the highest (0 at the start), null if never. As
       lossnotes.descent.descend. Throws a FloatingPointError-named Error, with
       .updates, where the logits leave the finite range.
     formatNumber(x): a number as the site's tables write it.

   Each formula is the library's, term for term and in the same order, with
   the same choice of shift (by the target's logit, a class's, or the
   maximum). The one place the library leaves float arithmetic, an MSE
   gradient entry near its sign change, is recomputed here in double-double
   arithmetic (about 32 digits) where the library uses decimal arithmetic.

   Accuracy, against lossnotes (tests/test_explorer.py): at all 10 000 grid
   points, for every fixed logit of the slider, target and loss, within 1e-12
   relative (absolute where a value underflows); in practice bit for bit but
   for MSE gradient entries within an ulp (V8's exp, log1p and expm1 are not
   numpy's). Near a sign change of an MSE gradient entry, where the library
   computes in 50-digit decimal (400 if more than 30 digits cancel), this
   computes in about 32 digits: an entry whose exact value cancels more than
   about 19 digits (logits within about 1e-19 of the sign change, relative,
   which float64 logits reach only by coincidence), or whose terms involve
   exponentials below 1e-290 (logit gaps above about 665), may then miss the
   1e-12 bound. Descent agrees in the recovery step and the final logits for
   every case tested (bit for bit).

   The page part builds the explorer from the JSON the build writes beside it
   (docs/_ext/lossnotes_explorer.py): strings, colour tables, grid. Every
   element is created here, so with scripts off the page shows only its
   build-time figures. Nothing is fetched. */
(function () {
  "use strict";

  var K = 3;
  var LOSSES = ["cross_entropy", "mse", "mse_logits"];
  var OPTIMISERS = ["gd", "adam", "sign"];
  var TWO_THIRDS = 2 / 3;
  // losses._gap_limit(float64, 3) and the constants of losses._finish.
  var GAP_LIMIT = (Math.floor(1024 / 3) - 6) * Math.log(2) - Math.log(K - 1);
  var EXPM1_BELOW = 0.7;
  var ILL_HALF = 0.5 * (1e3 - 1);
  var SMALLEST_NORMAL = 2.2250738585072014e-308;
  var ADAM_BETAS = [0.9, 0.999];
  var ADAM_EPS = 1e-8;

  // ------------------------------------------------------- double-double
  // Dekker and Knuth's error-free transformations; a value is [hi, lo].
  var SPLITTER = 134217729; // 2**27 + 1
  function twoSum(a, b) {
    var s = a + b;
    var bb = s - a;
    return [s, a - (s - bb) + (b - bb)];
  }
  function quickTwoSum(a, b) {
    var s = a + b;
    return [s, b - (s - a)];
  }
  function twoProd(a, b) {
    var p = a * b;
    var t = SPLITTER * a;
    var ah = t - (t - a);
    var al = a - ah;
    t = SPLITTER * b;
    var bh = t - (t - b);
    var bl = b - bh;
    return [p, ah * bh - p + ah * bl + al * bh + al * bl];
  }
  function ddAdd(a, b) {
    var s = twoSum(a[0], b[0]);
    var t = twoSum(a[1], b[1]);
    var u = quickTwoSum(s[0], s[1] + t[0]);
    return quickTwoSum(u[0], t[1] + u[1]);
  }
  function ddNeg(a) {
    return [-a[0], -a[1]];
  }
  function ddMul(a, b) {
    var p = twoProd(a[0], b[0]);
    return quickTwoSum(p[0], p[1] + (a[0] * b[1] + a[1] * b[0]));
  }
  function ddMulD(a, d) {
    var p = twoProd(a[0], d);
    return quickTwoSum(p[0], p[1] + a[1] * d);
  }
  function ddDiv(a, b) {
    var q1 = a[0] / b[0];
    var r = ddAdd(a, ddNeg(ddMulD(b, q1)));
    var q2 = r[0] / b[0];
    r = ddAdd(r, ddNeg(ddMulD(b, q2)));
    var q3 = r[0] / b[0];
    return ddAdd(quickTwoSum(q1, q2), [q3, 0]);
  }
  var LN2_DD = [0.6931471805599453, 2.3190468138462996e-17];
  var INV_FACTORIAL = [[1, 0], [1, 0]];
  for (var f = 2; f <= 12; f++) {
    INV_FACTORIAL.push(ddDiv(INV_FACTORIAL[f - 1], [f, 0]));
  }
  // exp of a double-double argument <= 0, to about 1e-30 relative while the
  // result is above 1e-290 (below that its low part underflows).
  function ddExp(a) {
    if (a[0] < -746) {
      return [0, 0];
    }
    var m = Math.floor(a[0] / LN2_DD[0] + 0.5);
    var r = ddAdd(a, ddNeg(ddMulD(LN2_DD, m)));
    r = [r[0] / 512, r[1] / 512];
    var power = r;
    var s = r;
    for (var k = 2; k <= 12; k++) {
      power = ddMul(power, r);
      s = ddAdd(s, ddMul(power, INV_FACTORIAL[k]));
    }
    for (var i = 0; i < 9; i++) {
      s = ddAdd(ddMulD(s, 2), ddMul(s, s)); // (1 + s)**2 - 1
    }
    s = ddAdd(s, [1, 0]);
    var scale = Math.pow(2, Math.max(m, -1074)); // exact: a power of two
    return [s[0] * scale, s[1] * scale];
  }

  // The MSE gradient of one sample (target first) as losses._exact_mse_grad
  // defines it, p = softmax, a = p - y, c = sum a p, entry 2/K p_i (a_i - c),
  // carried in double-double and rounded once at the end.
  function exactMseGrad(z) {
    var top = Math.max(z[0], z[1], z[2]);
    var e = z.map(function (x) {
      return ddExp(twoSum(x, -top));
    });
    var total = ddAdd(ddAdd(e[0], e[1]), e[2]);
    var p = e.map(function (x) {
      return ddDiv(x, total);
    });
    var a0 = ddNeg(ddDiv(ddAdd(e[1], e[2]), total)); // p_t - 1 without cancellation
    var c = ddAdd(ddAdd(ddMul(a0, p[0]), ddMul(p[1], p[1])), ddMul(p[2], p[2]));
    var a = [a0, p[1], p[2]];
    return a.map(function (ai, i) {
      var b = ddAdd(ai, ddNeg(c));
      var g = ddDiv(ddMulD(ddMul(p[i], b), 2), [K, 0]);
      return g[0] + g[1];
    });
  }

  // ---------------------------------------------------------- the engine
  // losses._finish for K = 3: gradient (and the MSE) from the exponentials of
  // one shift; z, e target first; e[0] = 1 for the target shift.
  function finish(name, z, e, r, loss, targetShift) {
    var e0 = e[0];
    var total = r + e0;
    if (name === "cross_entropy") {
      return { loss: loss, grad: [-(r / total), e[1] / total, e[2] / total] };
    }
    var square = total * total;
    var nSum = r * r;
    nSum -= e[1] * e[2];
    loss = (nSum / square) * TWO_THIRDS;
    var weight = TWO_THIRDS / (square * total);
    var g0 = nSum * weight * -2.0;
    if (!targetShift) {
      g0 *= e0;
      g0 += 0.0;
    }
    var d = e[1] - e[2];
    var gap = z[1] - z[2];
    if (Math.abs(gap) < EXPM1_BELOW) {
      var size = Math.max(e[1], e[2]) * -Math.expm1(-Math.abs(gap));
      d = gap < 0 || Object.is(gap, -0) ? -size : size;
    }
    var grad = [g0, 0, 0];
    var suspect = false;
    for (var j = 1; j <= 2; j++) {
      var positive = e[j] + r;
      if (!targetShift) {
        positive *= e0;
      }
      var bracket = j === 1 ? positive + e[2] * d : positive - e[1] * d;
      grad[j] = bracket * e[j] * weight;
      if (Math.abs(bracket) * ILL_HALF < positive) {
        suspect = suspect || 2.01 * positive * e[j] * weight >= SMALLEST_NORMAL;
      }
    }
    if (suspect) {
      grad = exactMseGrad(z);
    }
    return { loss: loss, grad: grad };
  }

  function shifted(name, z, e, tShift) {
    var r = e[1] + e[2];
    var loss = 0;
    if (name === "cross_entropy") {
      loss = Math.log1p(e[0] - 1.0 + r) - tShift;
    }
    return finish(name, z, e, r, loss, false);
  }

  function classShift(name, z, c) {
    if (z[c] === Infinity) {
      return null;
    }
    var tShift = z[0] - z[c];
    if (!(tShift <= 0.0)) {
      return null;
    }
    var other = 3 - c;
    var gap = z[other] - z[c];
    if (!(gap <= GAP_LIMIT)) {
      return null;
    }
    var e = [Math.exp(tShift), 0, 0];
    e[c] = 1;
    e[other] = Math.exp(gap);
    return shifted(name, z, e, tShift);
  }

  function maxShift(name, z) {
    var peak = Math.max(Math.max(z[0], z[1]), z[2]);
    var tShift = z[0] - peak;
    return shifted(name, z, [Math.exp(tShift), Math.exp(z[1] - peak), Math.exp(z[2] - peak)], tShift);
  }

  // losses._kernel for one sample, target first.
  function kernel(name, z) {
    var g1 = z[1] - z[0];
    var g2 = z[2] - z[0];
    if (g1 <= GAP_LIMIT && g2 <= GAP_LIMIT) {
      var e = [1.0, Math.exp(g1), Math.exp(g2)];
      var r = e[1] + e[2];
      return finish(name, z, e, r, name === "cross_entropy" ? Math.log1p(r) : 0, true);
    }
    var c = g1 >= 0.0 ? 1 : g2 >= 0.0 ? 2 : 0;
    var out = c ? classShift(name, z, c) : null;
    return out || maxShift(name, z);
  }

  function exponentOf(x) {
    return Math.floor(Math.log2(x)); // frexp's exponent - 1, for a power-of-two scale
  }

  // losses._mse_logits for one sample.
  function mseLogits(z, t) {
    var res = [z[0], z[1], z[2]];
    res[t] -= 1;
    var grad = res.map(function (x) {
      return x * TWO_THIRDS;
    });
    var loss = (res[0] * res[0] + res[1] * res[1] + res[2] * res[2]) / K;
    if (loss === Infinity && res.every(isFinite)) {
      var top = Math.max(Math.abs(res[0]), Math.abs(res[1]), Math.abs(res[2]));
      var ex = exponentOf(top);
      if (Math.pow(2, ex) > top) {
        ex -= 1;
      } else if (Math.pow(2, ex + 1) <= top) {
        ex += 1;
      }
      var scale = Math.pow(2, ex);
      var mean =
        (Math.pow(res[0] / scale, 2) + Math.pow(res[1] / scale, 2) + Math.pow(res[2] / scale, 2)) / K;
      loss = scale * (scale * mean);
    }
    return { loss: loss, grad: grad };
  }

  function order(t) {
    return t === 0 ? [0, 1, 2] : t === 1 ? [1, 0, 2] : [2, 0, 1];
  }

  // Loss and gradient, without validation (the callers have checked).
  function lossAndGrad(name, z, t) {
    if (name === "mse_logits") {
      return mseLogits(z, t);
    }
    var o = order(t);
    var out = kernel(name, [z[o[0]], z[o[1]], z[o[2]]]);
    var grad = [0, 0, 0];
    for (var k = 0; k < K; k++) {
      grad[o[k]] = out.grad[k];
    }
    return { loss: out.loss, grad: grad };
  }

  // softmax.softmax_pass for one sample.
  function softmax(z) {
    var peak = Math.max(z[0], z[1], z[2]);
    var e = [Math.exp(z[0] - peak), Math.exp(z[1] - peak), Math.exp(z[2] - peak)];
    var running = e[0];
    var rest = 0;
    for (var j = 1; j < K; j++) {
      rest += Math.min(running, e[j]);
      running = Math.max(running, e[j]);
    }
    var total = 1 + rest;
    return e.map(function (x) {
      return x / total;
    });
  }

  // ----------------------------------------------------------- validation
  function checkLogits(logits, name) {
    if (!logits || logits.length !== K) {
      throw new TypeError(name + " must be " + K + " numbers, got " + String(logits));
    }
    var z = [];
    for (var k = 0; k < K; k++) {
      var x = logits[k];
      if (typeof x !== "number" || Number.isNaN(x) || x === Infinity) {
        throw new RangeError(name + "[" + k + "] must be a finite number or -Infinity, got " + x);
      }
      z.push(x);
    }
    if (z.every(function (x) {
      return x === -Infinity;
    })) {
      throw new RangeError(name + " must hold at least one finite logit");
    }
    return z;
  }
  function checkChoice(value, allowed, name) {
    if (allowed.indexOf(value) < 0) {
      throw new RangeError(name + " must be one of " + allowed.join(", ") + ", got " + value);
    }
    return value;
  }
  function checkTarget(target) {
    return checkChoice(target, [0, 1, 2], "target");
  }

  function evaluate(logits, target, loss) {
    var z = checkLogits(logits, "logits");
    checkTarget(target);
    checkChoice(loss, LOSSES, "loss");
    var out = lossAndGrad(loss, z, target);
    return { loss: out.loss, grad: out.grad, probabilities: softmax(z) };
  }

  // descent.descend: the same updates, in the same order of operations.
  function descend(options) {
    var z = checkLogits(options.start, "start");
    var t = checkTarget(options.target);
    var loss = checkChoice(options.loss, LOSSES, "loss");
    var optimiser = checkChoice(options.optimiser || "gd", OPTIMISERS, "optimiser");
    var lr = options.lr;
    if (typeof lr !== "number" || !isFinite(lr) || !(lr > 0)) {
      throw new RangeError("lr must be a finite number > 0, got " + lr);
    }
    var steps = options.steps;
    if (!Number.isInteger(steps) || steps < 0 || steps > 10000000) {
      throw new RangeError("steps must be a whole number from 0 to 10000000, got " + steps);
    }
    var path = options.path ? new Float64Array(2 * (steps + 1)) : null;
    var beta1 = ADAM_BETAS[0];
    var beta2 = ADAM_BETAS[1];
    var m = [0, 0, 0];
    var v = [0, 0, 0];
    // beta ** (n + 1), carried in double-double and rounded each update: the
    // correctly rounded power, as C's pow gives Python.
    var pow1 = [1, 0];
    var pow2 = [1, 0];
    var recoveredAt = null;
    var value = 0;
    for (var n = 0; n <= steps; n++) {
      var out = lossAndGrad(loss, z, t);
      var g = out.grad;
      value = out.loss;
      if (path) {
        path[2 * n] = z[0];
        path[2 * n + 1] = z[1];
      }
      if (recoveredAt === null) {
        var rival = -Infinity;
        for (var k = 0; k < K; k++) {
          if (k !== t && z[k] > rival) {
            rival = z[k];
          }
        }
        if (z[t] > rival) {
          recoveredAt = n;
        }
      }
      if (n === steps) {
        break;
      }
      var update;
      if (optimiser === "gd") {
        update = [lr * g[0], lr * g[1], lr * g[2]];
      } else if (optimiser === "sign") {
        update = [lr * Math.sign(g[0]), lr * Math.sign(g[1]), lr * Math.sign(g[2])];
      } else {
        pow1 = ddMulD(pow1, beta1);
        pow2 = ddMulD(pow2, beta2);
        var c1 = 1 - (pow1[0] + pow1[1]);
        var c2 = 1 - (pow2[0] + pow2[1]);
        update = [0, 0, 0];
        for (var i = 0; i < K; i++) {
          m[i] = beta1 * m[i] + (1 - beta1) * g[i];
          v[i] = beta2 * v[i] + (1 - beta2) * (g[i] * g[i]);
          update[i] = (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
        }
      }
      z = [z[0] - update[0], z[1] - update[1], z[2] - update[2]];
      if (
        z.some(function (x) {
          return Number.isNaN(x) || x === Infinity;
        }) ||
        z.every(function (x) {
          return x === -Infinity;
        })
      ) {
        var error = new Error(
          "the logits left the finite range after " + (n + 1) + " updates; lower lr (got " + lr + ")"
        );
        error.name = "FloatingPointError";
        error.updates = n + 1;
        throw error;
      }
    }
    var result = { recoveredAt: recoveredAt, finalLogits: z, finalLoss: value };
    if (path) {
      result.path = path;
    }
    return result;
  }

  // ------------------------------------------------------------- numbers
  // The exact decimal value of a double, rounded half to even to `sig`
  // significant digits, as Python's formatting rounds: {digits, exp} with the
  // value digits[0].digits[1:] x 10**exp.
  var VIEW = new DataView(new ArrayBuffer(8));
  function roundDecimal(x, sig) {
    VIEW.setFloat64(0, x);
    var hi = VIEW.getUint32(0);
    var bits = (BigInt(hi & 0xfffff) << BigInt(32)) | BigInt(VIEW.getUint32(4));
    var biased = (hi >>> 20) & 0x7ff;
    var e2 = biased === 0 ? -1074 : biased - 1075;
    if (biased !== 0) {
      bits |= BigInt(1) << BigInt(52);
    }
    var ten = BigInt(10);
    var exp = Math.floor(Math.log10(x));
    for (;;) {
      var num = bits;
      var den = BigInt(1);
      if (e2 >= 0) {
        num <<= BigInt(e2);
      } else {
        den <<= BigInt(-e2);
      }
      var shift = exp - sig + 1;
      if (shift >= 0) {
        den *= ten ** BigInt(shift);
      } else {
        num *= ten ** BigInt(-shift);
      }
      var q = num / den;
      var rem = num % den;
      if (q >= ten ** BigInt(sig)) {
        exp += 1;
        continue;
      }
      if (q < ten ** BigInt(sig - 1)) {
        exp -= 1;
        continue;
      }
      var twice = rem * BigInt(2);
      if (twice > den || (twice === den && q % BigInt(2) === BigInt(1))) {
        q += BigInt(1);
      }
      var digits = q.toString();
      if (digits.length > sig) {
        digits = digits.slice(0, sig);
        exp += 1;
      }
      return { digits: digits, exp: exp };
    }
  }
  function stripZeros(text) {
    return text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }
  function exponentText(exp, python) {
    if (!python) {
      return "e" + exp;
    }
    var size = String(Math.abs(exp));
    return "e" + (exp < 0 ? "-" : "+") + (size.length < 2 ? "0" + size : size);
  }
  // Python's format(x, ".{p}g").
  function formatG(x, p) {
    if (x === 0 || !isFinite(x)) {
      return Number.isNaN(x) ? "nan" : (x < 0 || Object.is(x, -0) ? "-" : "") + (x ? "inf" : "0");
    }
    var sign = x < 0 ? "-" : "";
    var r = roundDecimal(Math.abs(x), p);
    var d = r.digits;
    if (r.exp >= -4 && r.exp < p) {
      var text;
      if (r.exp >= 0) {
        text = d.slice(0, r.exp + 1) + "." + d.slice(r.exp + 1);
      } else {
        text = "0." + "0".repeat(-r.exp - 1) + d;
      }
      return sign + stripZeros(text);
    }
    return sign + stripZeros(d[0] + "." + d.slice(1)) + exponentText(r.exp, true);
  }
  // tables._format_number: the site's tables.
  function formatNumber(x) {
    if (Number.isNaN(x)) {
      return "NaN";
    }
    if (!isFinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    if (x === 0) {
      return "0";
    }
    var size = Math.abs(x);
    if (size >= 1e-3 && size < 1e4) {
      return formatG(x, 4);
    }
    var r = roundDecimal(size, 4);
    return (x < 0 ? "-" : "") + r.digits[0] + "." + r.digits.slice(1) + exponentText(r.exp, false);
  }
  // A value typed in a label (axis values, the fixed logit): with a true minus sign.
  function formatPlain(x) {
    return formatG(x, 6).replace("-", "\u2212");
  }

  var api = {
    evaluate: evaluate,
    descend: descend,
    formatNumber: formatNumber,
    instances: [],
  };
  window.lossnotesExplorer = api;

  // ----------------------------------------------------------------- page
  var SUBSCRIPTS = "\u2080\u2081\u2082";
  var CELL = 4; // canvas pixels per grid cell
  var MAX_PATH_POINTS = 4000;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }
  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }
  function scheme() {
    return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }

  var counter = 0;

  function Explorer(root, data) {
    this.root = root;
    this.data = data;
    this.s = data.strings;
    this.compact = root.hasAttribute("data-compact");
    this.id = "lx" + ++counter;
    this.n = data.axis.length;
    this.state = {
      fixed: data.fixedStart,
      target: Number(root.getAttribute("data-target") || data.fixedClass),
      losses: ["cross_entropy", "mse"],
      optimiser: "gd",
      lr: data.lr,
      steps: data.steps,
      probe: { i: this.n >> 1, j: this.n >> 1 },
    };
    this.runs = null;
    this.palettes = {};
    var self = this;
    Object.keys(data.colours).forEach(function (theme) {
      var hex = data.colours[theme];
      var table = new Uint8ClampedArray(hex.length / 2);
      for (var i = 0; i < table.length; i++) {
        table[i] = parseInt(hex.substr(2 * i, 2), 16);
      }
      self.palettes[theme] = table;
    });
    this.build();
    this.recompute();
    this.draw();
    this.showProbe(false);
    root.hidden = false;
  }

  Explorer.prototype.control = function (key, labelText, input) {
    var id = this.id + "-" + key;
    input.id = id;
    var wrap = element("div", { class: "lx-control" });
    wrap.appendChild(element("label", { for: id }, labelText));
    wrap.appendChild(input);
    this.controls.appendChild(wrap);
    return wrap;
  };

  Explorer.prototype.select = function (key, labelText, options, value, onChange) {
    var input = element("select");
    options.forEach(function (option) {
      input.appendChild(element("option", { value: option[0] }, option[1]));
    });
    input.value = String(value);
    input.addEventListener("change", function () {
      onChange(input.value);
    });
    this.control(key, labelText, input);
    return input;
  };

  Explorer.prototype.build = function () {
    var s = this.s;
    var data = this.data;
    var self = this;
    var root = this.root;
    root.classList.add("lx");
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", this.id + "-title");
    root.appendChild(element("p", { class: "lx-title", id: this.id + "-title" }, s.title));
    root.appendChild(element("p", { class: "lx-help", id: this.id + "-help" }, s.instructions));
    this.controls = element("div", { class: "lx-controls" });
    root.appendChild(this.controls);

    // The fixed logit: the chapters' values on a slider, any value by entry.
    var fixedIndex = data.fixedLogits.indexOf(this.state.fixed);
    var slider = element("input", {
      type: "range",
      min: "0",
      max: String(data.fixedLogits.length - 1),
      step: "1",
      value: String(fixedIndex < 0 ? 0 : fixedIndex),
      "aria-valuetext": data.fixedLabels[fixedIndex < 0 ? 0 : fixedIndex],
    });
    var entry = element("input", {
      type: "number",
      min: String(data.fixedRange[0]),
      max: String(data.fixedRange[1]),
      step: "any",
      inputmode: "decimal",
      value: String(this.state.fixed),
    });
    this.control("fixed", s.fixed, slider);
    var entryWrap = this.control("fixed-entry", s.fixed_entry, entry);
    var entryError = element("p", { class: "lx-error", id: this.id + "-fixed-error", hidden: "" });
    entryWrap.appendChild(entryError);
    entry.setAttribute("aria-describedby", entryError.id);
    slider.addEventListener("input", function () {
      var value = data.fixedLogits[Number(slider.value)];
      slider.setAttribute("aria-valuetext", data.fixedLabels[Number(slider.value)]);
      entry.value = String(value);
      self.setInvalid(entry, entryError, null);
      self.update({ fixed: value });
    });
    entry.addEventListener("input", function () {
      var value = entry.value === "" ? NaN : Number(entry.value);
      if (!(value >= data.fixedRange[0] && value <= data.fixedRange[1])) {
        self.setInvalid(entry, entryError, s.fixed_invalid);
        return;
      }
      self.setInvalid(entry, entryError, null);
      var nearest = 0;
      data.fixedLogits.forEach(function (f, i) {
        if (Math.abs(f - value) < Math.abs(data.fixedLogits[nearest] - value)) {
          nearest = i;
        }
      });
      slider.value = String(nearest);
      slider.setAttribute("aria-valuetext", formatPlain(value));
      self.update({ fixed: value });
    });
    this.inputs = { slider: slider, entry: entry };

    var targets = data.targetLabels.map(function (label, t) {
      return [t, label];
    });
    this.inputs.target = this.select("target", s.target, targets, this.state.target, function (v) {
      self.update({ target: Number(v) });
    });
    var losses = data.losses.map(function (name) {
      return [name, data.lossLabels[name]];
    });
    this.inputs.losses = [s.left_loss, s.right_loss].map(function (label, side) {
      return self.select("loss" + side, label, losses, self.state.losses[side], function (v) {
        var pair = self.state.losses.slice();
        pair[side] = v;
        self.update({ losses: pair });
      });
    });
    this.inputs.optimiser = this.select(
      "optimiser",
      s.optimiser,
      [
        ["gd", s.gd],
        ["adam", s.adam],
      ],
      this.state.optimiser,
      function (v) {
        self.update({ optimiser: v }, true);
      }
    );
    this.inputs.lr = this.numberInput("lr", s.lr, this.state.lr, "any", function (value) {
      return value > 0 && value <= data.maxLr ? { lr: value } : null;
    }, fill(s.lr_invalid, { max: data.maxLr }));
    this.inputs.steps = this.numberInput("steps", s.steps, this.state.steps, "1", function (value) {
      return Number.isInteger(value) && value >= 1 && value <= data.maxSteps ? { steps: value } : null;
    }, fill(s.steps_invalid, { max: data.maxSteps }));
    if (this.compact) {
      // Beside the experiment's figures: the fixed logit and the target; the rest as set.
      [this.inputs.losses[0], this.inputs.losses[1], this.inputs.optimiser, this.inputs.lr, this.inputs.steps].forEach(
        function (input) {
          input.parentNode.hidden = true;
        }
      );
    }

    var maps = element("div", { class: "lx-maps" });
    root.appendChild(maps);
    this.maps = [0, 1].map(function (side) {
      return self.buildMap(maps, side);
    });
    root.appendChild(element("p", { class: "lx-note" }, s.arrow_note + " " + s.recovery_rule));

    this.probeBox = element("div", { class: "lx-probe" });
    root.appendChild(this.probeBox);
    this.result = element("div", { class: "lx-result" });
    root.appendChild(this.result);
    this.live = element("div", { class: "lx-live", "aria-live": "polite", role: "status" });
    root.appendChild(this.live);
    this.offscreen = document.createElement("canvas");
    this.offscreen.width = this.n;
    this.offscreen.height = this.n;
  };

  Explorer.prototype.setInvalid = function (input, box, message) {
    if (message) {
      input.setAttribute("aria-invalid", "true");
      box.textContent = message;
      box.hidden = false;
    } else {
      input.removeAttribute("aria-invalid");
      box.textContent = "";
      box.hidden = true;
    }
  };

  Explorer.prototype.numberInput = function (key, labelText, value, step, accept, message) {
    var self = this;
    var input = element("input", { type: "number", step: step, inputmode: "decimal", value: String(value) });
    var wrap = this.control(key, labelText, input);
    var box = element("p", { class: "lx-error", id: this.id + "-" + key + "-error", hidden: "" });
    wrap.appendChild(box);
    input.setAttribute("aria-describedby", box.id);
    input.addEventListener("input", function () {
      var change = input.value === "" ? null : accept(Number(input.value));
      self.setInvalid(input, box, change ? null : message);
      if (change) {
        self.update(change, true);
      }
    });
    return input;
  };

  Explorer.prototype.buildMap = function (parent, side) {
    var s = this.s;
    var self = this;
    var figure = element("figure", { class: "lx-map" });
    var caption = element("figcaption", { class: "lx-map-title" });
    figure.appendChild(caption);
    var frame = element("div", { class: "lx-frame" });
    var yAxis = element("div", { class: "lx-y", "aria-hidden": "true" });
    var low = formatPlain(this.data.axis[0]);
    var high = formatPlain(this.data.axis[this.n - 1]);
    yAxis.appendChild(element("span", {}, high));
    yAxis.appendChild(element("span", { class: "lx-y-label" }, s.y_axis));
    yAxis.appendChild(element("span", {}, low));
    frame.appendChild(yAxis);
    var canvas = element("canvas", {
      class: "lx-canvas",
      width: String(this.n * CELL),
      height: String(this.n * CELL),
      tabindex: "0",
      role: "img",
      "aria-describedby": this.id + "-help",
    });
    frame.appendChild(canvas);
    figure.appendChild(frame);
    var xAxis = element("div", { class: "lx-x", "aria-hidden": "true" });
    xAxis.appendChild(element("span", {}, low));
    xAxis.appendChild(element("span", { class: "lx-x-label" }, s.x_axis));
    xAxis.appendChild(element("span", {}, high));
    figure.appendChild(xAxis);
    var bar = element("canvas", { class: "lx-bar", width: "256", height: "1", "aria-hidden": "true" });
    figure.appendChild(bar);
    var scale = element("p", { class: "lx-scale" });
    figure.appendChild(scale);
    var status = element("p", { class: "lx-status" });
    figure.appendChild(status);
    parent.appendChild(figure);

    function cellAt(event) {
      var box = canvas.getBoundingClientRect();
      var j = Math.floor(((event.clientX - box.left) / box.width) * self.n);
      var i = self.n - 1 - Math.floor(((event.clientY - box.top) / box.height) * self.n);
      return {
        i: Math.min(self.n - 1, Math.max(0, i)),
        j: Math.min(self.n - 1, Math.max(0, j)),
      };
    }
    canvas.addEventListener("pointermove", function (event) {
      if (event.pointerType === "mouse") {
        self.moveProbe(cellAt(event), false);
      }
    });
    canvas.addEventListener("click", function (event) {
      self.moveProbe(cellAt(event), true);
      self.run();
    });
    canvas.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 10 : 1;
      var probe = { i: self.state.probe.i, j: self.state.probe.j };
      switch (event.key) {
        case "ArrowLeft":
          probe.j -= step;
          break;
        case "ArrowRight":
          probe.j += step;
          break;
        case "ArrowUp":
          probe.i += step;
          break;
        case "ArrowDown":
          probe.i -= step;
          break;
        case "Enter":
        case " ":
          event.preventDefault();
          self.run();
          return;
        default:
          return;
      }
      event.preventDefault();
      probe.i = Math.min(self.n - 1, Math.max(0, probe.i));
      probe.j = Math.min(self.n - 1, Math.max(0, probe.j));
      self.moveProbe(probe, true);
    });
    return { canvas: canvas, caption: caption, bar: bar, scale: scale, status: status };
  };

  // Both loss surfaces over the grid, and each one's colour range (its own min and max,
  // as matplotlib's default normalisation of the build-time figures).
  Explorer.prototype.recompute = function () {
    var axis = this.data.axis;
    var n = this.n;
    var st = this.state;
    this.values = st.losses.map(function (loss) {
      var values = new Float64Array(n * n);
      var low = Infinity;
      var high = -Infinity;
      var z = [0, 0, st.fixed];
      for (var i = 0; i < n; i++) {
        z[1] = axis[i];
        for (var j = 0; j < n; j++) {
          z[0] = axis[j];
          var v = lossAndGrad(loss, z, st.target).loss;
          values[i * n + j] = v;
          if (v < low) {
            low = v;
          }
          if (v > high) {
            high = v;
          }
        }
      }
      return { values: values, low: low, high: high };
    });
  };

  // matplotlib's Colormap lookup after Normalize(vmin, vmax): x = (v - low) / (high - low)
  // (0 where low == high), index floor(x * N), N - 1 at x == 1.
  function colourIndex(v, low, high, size) {
    var x = high === low ? 0 : (v - low) / (high - low);
    var xa = x * size;
    if (xa === size) {
      xa = size - 1;
    }
    return Math.min(size - 1, Math.max(0, Math.floor(xa)));
  }
  api.colourIndex = colourIndex;

  Explorer.prototype.draw = function () {
    var self = this;
    var n = this.n;
    var palette = this.palettes[scheme()] || this.palettes.light;
    var size = palette.length / 3;
    var offCtx = this.offscreen.getContext("2d");
    this.maps.forEach(function (map, side) {
      var surface = self.values[side];
      var image = offCtx.createImageData(n, n);
      var px = image.data;
      for (var i = 0; i < n; i++) {
        var row = n - 1 - i; // origin lower: the first grid row at the bottom
        for (var j = 0; j < n; j++) {
          var c = 3 * colourIndex(surface.values[i * n + j], surface.low, surface.high, size);
          var o = 4 * (row * n + j);
          px[o] = palette[c];
          px[o + 1] = palette[c + 1];
          px[o + 2] = palette[c + 2];
          px[o + 3] = 255;
        }
      }
      offCtx.putImageData(image, 0, 0);
      var ctx = map.canvas.getContext("2d");
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(self.offscreen, 0, 0, n * CELL, n * CELL);
      var run = self.runs && self.runs[side];
      if (run && run.path) {
        self.drawPath(ctx, run.path);
      }
      self.drawProbe(ctx, side);
      var barCtx = map.bar.getContext("2d");
      var strip = barCtx.createImageData(size, 1);
      for (var k = 0; k < size; k++) {
        strip.data.set([palette[3 * k], palette[3 * k + 1], palette[3 * k + 2], 255], 4 * k);
      }
      map.bar.width = size;
      barCtx.putImageData(strip, 0, 0);
      var label = self.data.lossLabels[self.state.losses[side]];
      map.caption.textContent = label;
      map.scale.textContent = fill(self.s.colour_scale, {
        low: formatNumber(surface.low),
        high: formatNumber(surface.high),
      });
      var probe = self.state.probe;
      map.canvas.setAttribute(
        "aria-label",
        fill(self.s.map_label, {
          loss: label,
          z0: formatPlain(self.data.axis[probe.j]),
          z1: formatPlain(self.data.axis[probe.i]),
        })
      );
    });
  };

  // Logit coordinates to canvas pixels, as the figures' extent [low, high] maps them.
  Explorer.prototype.toPixel = function (z0, z1) {
    var low = this.data.axis[0];
    var span = this.data.axis[this.n - 1] - low;
    var width = this.n * CELL;
    return [((z0 - low) / span) * width, width - ((z1 - low) / span) * width];
  };

  function outlined(ctx, drawPath, colour, width) {
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    ctx.strokeStyle = "rgba(0, 0, 0, 0.85)";
    ctx.lineWidth = width + 3;
    drawPath();
    ctx.stroke();
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    drawPath();
    ctx.stroke();
  }

  Explorer.prototype.drawPath = function (ctx, path) {
    var self = this;
    var points = path.length / 2;
    var stride = Math.max(1, Math.ceil(points / MAX_PATH_POINTS));
    outlined(
      ctx,
      function () {
        ctx.beginPath();
        for (var k = 0; k < points; k += stride) {
          var p = self.toPixel(path[2 * k], path[2 * k + 1]);
          if (k === 0) {
            ctx.moveTo(p[0], p[1]);
          } else {
            ctx.lineTo(p[0], p[1]);
          }
        }
        var last = self.toPixel(path[path.length - 2], path[path.length - 1]);
        ctx.lineTo(last[0], last[1]);
      },
      "#ffffff",
      3
    );
    var end = this.toPixel(path[path.length - 2], path[path.length - 1]);
    ctx.fillStyle = "#ff6f3c";
    ctx.beginPath();
    ctx.arc(end[0], end[1], 7, 0, 2 * Math.PI);
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#000000";
    ctx.stroke();
  };

  Explorer.prototype.drawProbe = function (ctx, side) {
    var probe = this.state.probe;
    var axis = this.data.axis;
    var at = this.toPixel(axis[probe.j], axis[probe.i]);
    var grad = this.probeValues ? this.probeValues.results[side].grad : null;
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#ffffff";
    ctx.strokeRect(at[0] - 6, at[1] - 6, 12, 12);
    ctx.strokeStyle = "#000000";
    ctx.strokeRect(at[0] - 8, at[1] - 8, 16, 16);
    if (!grad) {
      return;
    }
    var dx = -grad[0];
    var dy = -grad[1];
    var length = Math.hypot(dx, dy);
    if (!(length > 0) || !isFinite(length)) {
      return; // no in-plane gradient: nothing to point along
    }
    var reach = 14 * CELL;
    var tip = [at[0] + (dx / length) * reach, at[1] - (dy / length) * reach];
    var angle = Math.atan2(tip[1] - at[1], tip[0] - at[0]);
    outlined(
      ctx,
      function () {
        ctx.beginPath();
        ctx.moveTo(at[0], at[1]);
        ctx.lineTo(tip[0], tip[1]);
        ctx.moveTo(tip[0] - 14 * Math.cos(angle - 0.45), tip[1] - 14 * Math.sin(angle - 0.45));
        ctx.lineTo(tip[0], tip[1]);
        ctx.lineTo(tip[0] - 14 * Math.cos(angle + 0.45), tip[1] - 14 * Math.sin(angle + 0.45));
      },
      "#ffffff",
      3
    );
  };

  Explorer.prototype.probeLogits = function () {
    var axis = this.data.axis;
    return [axis[this.state.probe.j], axis[this.state.probe.i], this.state.fixed];
  };

  Explorer.prototype.showProbe = function (announce) {
    var s = this.s;
    var st = this.state;
    var z = this.probeLogits();
    var results = st.losses.map(function (loss) {
      return lossAndGrad(loss, z, st.target);
    });
    var p = softmax(z);
    this.probeValues = { logits: z, results: results, probabilities: p };
    var labels = st.losses.map(function (loss) {
      return this.data.lossLabels[loss];
    }, this);
    var table = element("table", { class: "lx-table" });
    table.appendChild(
      element("caption", {}, fill(s.probe, { z0: formatPlain(z[0]), z1: formatPlain(z[1]), z2: formatPlain(z[2]) }))
    );
    var head = element("tr");
    [s.quantity, labels[0], labels[1]].forEach(function (text) {
      head.appendChild(element("th", { scope: "col" }, text));
    });
    table.appendChild(element("thead")).appendChild(head);
    var body = element("tbody");
    function row(name, cells, key) {
      var tr = element("tr", { "data-row": key });
      tr.appendChild(element("th", { scope: "row" }, name));
      cells.forEach(function (cell) {
        var td = element("td", cell[1] ? { colspan: String(cell[1]) } : {}, cell[0]);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    for (var k = 0; k < K; k++) {
      row(fill(s.probability, { index: SUBSCRIPTS[k] }), [[formatNumber(p[k]), 2]], "p" + k);
    }
    row(s.loss_value, results.map(function (r) {
      return [formatNumber(r.loss)];
    }), "loss");
    for (k = 0; k < K; k++) {
      row(fill(s.gradient, { index: SUBSCRIPTS[k] }), results.map(function (r) {
        return [formatNumber(r.grad[k])];
      }), "grad" + k);
    }
    table.appendChild(body);
    this.probeBox.replaceChildren(table);
    if (announce) {
      this.live.textContent = fill(s.probe_speech, {
        z0: formatPlain(z[0]),
        z1: formatPlain(z[1]),
        p0: formatNumber(p[0]),
        p1: formatNumber(p[1]),
        p2: formatNumber(p[2]),
        left: labels[0],
        right: labels[1],
        left_loss: formatNumber(results[0].loss),
        right_loss: formatNumber(results[1].loss),
        left_grad: results[0].grad.map(formatNumber).join(", "),
        right_grad: results[1].grad.map(formatNumber).join(", "),
      });
    }
  };

  Explorer.prototype.moveProbe = function (probe, announce) {
    if (probe.i === this.state.probe.i && probe.j === this.state.probe.j && !announce) {
      return;
    }
    this.state.probe = probe;
    this.showProbe(announce);
    this.draw();
  };

  // A change of controls; `runOnly` changes leave the maps as they are.
  Explorer.prototype.update = function (change, runOnly) {
    Object.assign(this.state, change);
    this.runs = null;
    this.result.textContent = "";
    this.maps.forEach(function (map) {
      map.status.textContent = "";
    });
    if (!runOnly) {
      this.recompute();
      this.showProbe(false);
    }
    this.draw();
  };

  // Descent from the probe under both losses; each map shows its own path.
  Explorer.prototype.run = function () {
    var s = this.s;
    var st = this.state;
    var start = this.probeLogits();
    var optimiserLabel = st.optimiser === "adam" ? s.adam : s.gd;
    var lines = [];
    this.runs = st.losses.map(function (loss) {
      var label = this.data.lossLabels[loss];
      try {
        var out = descend({
          start: start,
          target: st.target,
          loss: loss,
          optimiser: st.optimiser,
          lr: st.lr,
          steps: st.steps,
          path: true,
        });
        var text = out.recoveredAt === null
          ? fill(s.not_recovered, { loss: label, n: st.steps })
          : fill(s.recovered, { loss: label, n: out.recoveredAt });
        lines.push(text + "; " + fill(s.final_loss, { value: formatNumber(out.finalLoss) }));
        out.text = text;
        return out;
      } catch (error) {
        if (error.name !== "FloatingPointError") {
          throw error;
        }
        var message = fill(s.diverged, { loss: label, n: error.updates });
        lines.push(message);
        return { text: message };
      }
    }, this);
    var heading = fill(s.run_from, {
      z0: formatPlain(start[0]),
      z1: formatPlain(start[1]),
      z2: formatPlain(start[2]),
      optimiser: optimiserLabel,
      lr: formatPlain(st.lr),
    });
    var list = element("ul");
    lines.forEach(function (line) {
      list.appendChild(element("li", {}, line));
    });
    this.result.replaceChildren(element("p", {}, heading), list);
    this.maps.forEach(function (map, side) {
      map.status.textContent = this.runs[side].text;
    }, this);
    this.live.textContent = heading + " " + lines.join(". ");
    this.draw();
  };

  function start() {
    var roots = document.querySelectorAll(".lossnotes-explorer");
    for (var i = 0; i < roots.length; i++) {
      var source = roots[i].querySelector("script.lossnotes-explorer-data");
      if (!source) {
        continue;
      }
      var explorer = new Explorer(roots[i], JSON.parse(source.textContent));
      api.instances.push(explorer);
    }
    // Redraw in the other scheme's colours when the reader switches it.
    new MutationObserver(function () {
      api.instances.forEach(function (explorer) {
        explorer.draw();
      });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
