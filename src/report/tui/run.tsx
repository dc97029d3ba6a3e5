// Start the terminal UI on the real terminal and wait until the user quits. The alternate screen keeps
// the user's scrollback as it was; the frame is one row short of the terminal so ink never has to
// clear and redraw the whole screen.
import { render } from "ink";
import { useEffect, useState } from "react";
import type { Report } from "../../model/report.js";
import { toPublishedReport } from "../json.js";
import { App } from "./app.js";

const size = () => ({ width: Math.max(40, process.stdout.columns || 80), height: Math.max(10, (process.stdout.rows || 24) - 1) });

function Sized({ report }: { report: Report }) {
  const [dims, setDims] = useState(size);
  useEffect(() => {
    const on = () => setDims(size());
    process.stdout.on("resize", on);
    return () => void process.stdout.off("resize", on);
  }, []);
  return <App report={report} width={dims.width} height={dims.height} />;
}

export async function runTui(report: Report): Promise<void> {
  const published = toPublishedReport(report);
  process.stdout.write("\u001b[?1049h\u001b[H");
  try {
    const app = render(<Sized report={published} />, { exitOnCtrlC: true, patchConsole: false });
    await app.waitUntilExit();
  } finally {
    process.stdout.write("\u001b[?1049l");
  }
}
