// Runs lesson cells on the server and shows their output under each cell.
//
// Works on any page that follows the lesson DOM contract ([data-lesson] with data-run-url,
// [data-cell] blocks holding a [data-cell-source] textarea and a [data-cell-output] area).
// Outputs stream in as newline-delimited JSON while a cell runs. Everything the server sends is
// put on the page as text (textContent) or as a data: PNG, never as HTML.

import { showErrorCard } from "./errorcard.js";

const STATES = {
  cold: "Cold",
  starting: "Starting",
  ready: "Ready",
  busy: "Busy",
  interrupting: "Busy",
  restarted: "Restarted",
  restoring: "Restoring",
  restored: "Restored",
  lost: "Lost",
  unavailable: "Unavailable",
};

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) return meta.content;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

class Kernel {
  constructor(lesson) {
    this.lesson = lesson;
    this.stateNode = lesson.querySelector("[data-kernel-state]");
    this.elapsedNode = lesson.querySelector("[data-kernel-elapsed]");
    this.messageNode =
      lesson.querySelector("[data-kernel-message]") ||
      document.querySelector("[data-kernel-message]");
    this.queue = Promise.resolve();
    this.pending = 0;
    this.timer = null;
    this.runningAll = false;
  }

  setState(key) {
    const text = STATES[key] || STATES.ready;
    if (this.stateNode) {
      this.stateNode.textContent = text;
      this.stateNode.dataset.state = key in STATES ? key : "ready";
    }
    this.lesson.dataset.kernel = key;
  }

  say(text) {
    if (this.messageNode) this.messageNode.textContent = text || "";
  }

  startClock() {
    const started = performance.now();
    this.clockStarted = started;
    const tick = () => {
      if (this.elapsedNode) {
        this.elapsedNode.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
      }
    };
    tick();
    clearInterval(this.timer);
    this.timer = setInterval(tick, 100);
  }

  // The last run's time stays on the status line ("ran in 1.3 s") until the next run starts.
  stopClock() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.elapsedNode && this.clockStarted !== undefined) {
      const seconds = (performance.now() - this.clockStarted) / 1000;
      this.elapsedNode.textContent = `ran in ${seconds.toFixed(1)} s`;
    }
  }

  label(cell) {
    return cell.dataset.cellLabel || `cell ${cell.dataset.cellId}`;
  }

  // Queue a run so that cells run one after another, in the order they were asked for.
  enqueue(cell) {
    this.pending += 1;
    cell.dataset.cellStatus = "queued";
    const result = this.queue.then(() => this.run(cell));
    this.queue = result.catch(() => {}).finally(() => {
      this.pending -= 1;
    });
    return result;
  }

  async run(cell) {
    const source = cell.querySelector("[data-cell-source]");
    const output = cell.querySelector("[data-cell-output]");
    // Cells with live controls keep the old figure until the new outputs are all in (no jump).
    const keep = "keepOutput" in cell.dataset;
    const target = keep ? document.createElement("div") : output;
    const view = new OutputView(target, this.label(cell), cell.dataset.cellId);
    view.clear();
    cell.dataset.cellStatus = "running";
    output.setAttribute("aria-busy", "true");
    this.setState("busy");
    this.say("");
    this.startClock();
    let result = null;
    try {
      const response = await fetch(this.lesson.dataset.runUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/x-ndjson",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({
          cell: cell.dataset.cellId,
          code: source ? source.value : "",
          label: cell.dataset.cellLabel || "",
        }),
      });
      result = await this.read(response, view);
    } catch (error) {
      result = {
        status: "error",
        message: "The run could not reach the server. Check your connection and try again.",
        kernel: { state: "unavailable" },
      };
    }
    this.stopClock();
    output.removeAttribute("aria-busy");
    this.finish(cell, view, result);
    if (keep) output.replaceChildren(...target.childNodes);
    return result;
  }

  // Read the answer: NDJSON events as they arrive, or one JSON document.
  async read(response, view) {
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("ndjson") || !response.body) {
      let body;
      try {
        body = await response.json();
      } catch (error) {
        const expired = response.status === 403;
        return {
          status: "error",
          message: expired
            ? "Your session has expired. Reload the page and run the cell again."
            : `The server answered ${response.status}; the cell did not run.`,
          kernel: { state: expired ? "ready" : "unavailable" },
        };
      }
      for (const item of body.outputs || []) view.add(item);
      return body;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    let result = null;
    const handle = (line) => {
      if (!line.trim()) return;
      const event = JSON.parse(line);
      if (event.type === "state") {
        this.setState(event.state);
        // A new kernel replays the learner's earlier cells first ("Restoring your work: …").
        if (event.message) this.say(event.message);
      } else if (event.type === "output") view.add(event.output);
      else if (event.type === "result") result = event;
    };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        handle(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
      }
    }
    handle(buffered + decoder.decode());
    return (
      result || {
        status: "error",
        message: "The run ended without an answer. Try again.",
        kernel: { state: "lost" },
      }
    );
  }

  finish(cell, view, result) {
    const kernel = result.kernel || {};
    this.setState(kernel.state || "ready");
    cell.dataset.cellStatus = result.status || "error";
    let message = result.message || "";
    if (Array.isArray(result.rerun) && result.rerun.length) {
      const labels = result.rerun.map((id) => {
        const other = this.lesson.querySelector(`[data-cell][data-cell-id="${CSS.escape(id)}"]`);
        return other ? this.label(other) : id;
      });
      message = message.replace(result.rerun.join(", "), labels.join(", "));
    }
    if (result.help) showErrorCard(view.lastError, result.help);
    if (message && result.status !== "ok") view.note(message, result.status === "limit");
    this.say(message);
    if (result.progress) {
      document.dispatchEvent(new CustomEvent("lesson:progress", { detail: result.progress }));
    }
  }

  async runAll() {
    if (this.runningAll) return;
    this.runningAll = true;
    try {
      for (const cell of this.lesson.querySelectorAll("[data-cell]")) {
        const result = await this.enqueue(cell);
        if (!result || result.status !== "ok") break;
      }
    } finally {
      this.runningAll = false;
    }
  }

  // The error card's "Run cells 001–003": run those cells in order, stop at a failure.
  async runCells(ids) {
    for (const id of ids) {
      const cell = this.lesson.querySelector(`[data-cell][data-cell-id="${CSS.escape(id)}"]`);
      if (!cell) continue;
      const result = await this.enqueue(cell);
      if (!result || result.status !== "ok") break;
    }
  }

  async post(url) {
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
      return await response.json();
    } catch (error) {
      return { kernel: { state: "unavailable" } };
    }
  }

  // Restarting wipes the learner's variables: the first press asks, a second press within a
  // few seconds restarts (an in-page confirmation keeps the keyboard flow and the tests simple).
  confirmRestart(button) {
    if (button.dataset.armed === "true") {
      clearTimeout(this.disarmTimer);
      this.disarm(button);
      this.restart();
      return;
    }
    button.dataset.armed = "true";
    button.dataset.label = button.textContent;
    button.textContent = "Press again to restart";
    this.say("Restarting wipes every variable of this part. Press Restart again to confirm.");
    this.disarmTimer = setTimeout(() => this.disarm(button), 6000);
  }

  disarm(button) {
    button.dataset.armed = "false";
    if (button.dataset.label) button.textContent = button.dataset.label;
  }

  async restart() {
    const answer = await this.post(this.lesson.dataset.restartUrl);
    const state = (answer.kernel || {}).state;
    if (state === "unavailable") {
      this.setState("unavailable");
      this.say("The code runner is not available right now.");
      return;
    }
    this.setState("restarted");
    this.say("Kernel restarted: earlier variables are gone. Run the cells again from the top.");
  }

  async interrupt() {
    const answer = await this.post(this.lesson.dataset.interruptUrl);
    const state = (answer.kernel || {}).state;
    if (state === "interrupting") this.say("Interrupting…");
  }
}

class OutputView {
  constructor(node, label, cellId) {
    this.node = node;
    this.label = label;
    this.cellId = cellId;
    this.figures = 0;
    this.lastStream = null;
  }

  clear() {
    this.node.replaceChildren();
    this.figures = 0;
    this.lastStream = null;
    this.lastError = null;
  }

  add(output) {
    if (!output || typeof output !== "object") return;
    const kind = output.output_type;
    if (kind === "stream") this.stream(output.name, output.text);
    else if (kind === "execute_result") this.result(output);
    else if (kind === "display_data") this.figure(output);
    else if (kind === "error") this.error(output);
  }

  stream(name, text) {
    if (typeof text !== "string") return;
    if (this.lastStream && this.lastStream.dataset.stream === name) {
      this.lastStream.textContent += text;
      return;
    }
    const pre = element("pre", `output-stream output-${name === "stderr" ? "stderr" : "stdout"}`);
    pre.dataset.stream = name;
    pre.textContent = text;
    this.node.append(pre);
    this.lastStream = pre;
  }

  result(output) {
    const text = (output.data || {})["text/plain"];
    if (typeof text !== "string") return;
    const pre = element("pre", "output-result", text);
    pre.dataset.outputType = "execute_result";
    this.node.append(pre);
    this.lastStream = null;
  }

  figure(output) {
    const png = (output.data || {})["image/png"];
    if (typeof png !== "string" || !/^[A-Za-z0-9+/=\s]+$/.test(png)) return;
    this.figures += 1;
    const meta = output.metadata || {};
    const figureId = (meta.agenticworks || {}).figure_id;
    const title = typeof meta.title === "string" && meta.title ? `: ${meta.title}` : "";
    const figure = element("figure", "output-figure");
    if (figureId) figure.dataset.figureId = figureId;
    const img = document.createElement("img");
    img.alt = `Figure ${this.figures} from ${this.label}${title}`;
    img.src = `data:image/png;base64,${png.replace(/\s/g, "")}`;
    figure.append(img);
    if (figureId) {
      const caption = element("figcaption");
      for (const [action, text] of [
        ["pin", "Pin"],
        ["share-showcase", "Share to showcase"],
        ["share-forum", "Share to forum"],
      ]) {
        const button = element("button", "button button-small", text);
        button.type = "button";
        button.dataset.figureAction = action;
        caption.append(button);
      }
      figure.append(caption);
    }
    this.node.append(figure);
    this.lastStream = null;
  }

  error(output) {
    const lines = Array.isArray(output.traceback) ? output.traceback : [];
    const text = lines.length ? lines.join("\n") : `${output.ename}: ${output.evalue}`;
    const pre = element("pre", "output-error", text);
    pre.dataset.outputType = "error";
    this.node.append(pre);
    this.lastStream = null;
    this.lastError = pre;
  }

  note(text, isLimit) {
    const p = element("p", `output-note${isLimit ? " output-limit" : ""}`, text);
    this.node.append(p);
  }
}

function init(lesson) {
  if (!lesson.dataset.runUrl) return;
  const kernel = new Kernel(lesson);
  lesson.addEventListener("click", (event) => {
    const run = event.target.closest("[data-cell-action='run']");
    if (run) {
      const cell = run.closest("[data-cell]");
      if (cell) kernel.enqueue(cell);
      return;
    }
    const action = event.target.closest("[data-kernel-action]");
    if (!action) return;
    const name = action.dataset.kernelAction;
    if (name === "run-all") kernel.runAll();
    else if (name === "restart") kernel.confirmRestart(action);
    else if (name === "interrupt") kernel.interrupt();
    else if (name === "run-cells") kernel.runCells((action.dataset.runCells || "").split(" "));
  });
  // The editor dispatches cell:run on Shift+Enter.
  lesson.addEventListener("cell:run", (event) => {
    const cell = event.target.closest("[data-cell]");
    if (cell) kernel.enqueue(cell);
  });
  // A plain textarea (no enhanced editor, or before it loads): Shift+Enter runs the cell.
  lesson.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.shiftKey || event.defaultPrevented) return;
    const source = event.target.closest("[data-cell-source]");
    if (!source) return;
    event.preventDefault();
    kernel.enqueue(source.closest("[data-cell]"));
  });
  lesson.kernel = kernel;
}

for (const lesson of document.querySelectorAll("[data-lesson]")) init(lesson);

// For exercises.js: the same output rendering and CSRF token as cell runs.
export { OutputView, csrfToken };
