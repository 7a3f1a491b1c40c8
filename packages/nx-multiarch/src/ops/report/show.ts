import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { NormalizedReportOptions } from '../../core/options/report';
import { findRun, recordedRuns, runDir, runHtmlPath, runRecordPath } from '../../infra/run/run-dir';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import type { RunRecord } from './run-record';
import { reportHtml } from './html';
import { reportText, runListLine } from './text';

const readRecord = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord;

/** The report executor's output: the list of runs, or one run's summary with its HTML page written. */
export function showReport(o: NormalizedReportOptions, workspaceRoot: string): string {
  if (o.list) {
    const runs = recordedRuns(o.stateDir).map((id) => readRecord(runRecordPath(runDir(o.stateDir, id))));
    return o.json ? JSON.stringify(runs, null, 2) : runs.map(runListLine).join('\n');
  }
  const dir = runDir(o.stateDir, findRun(o.stateDir, o.run));
  const record = readRecord(runRecordPath(dir));
  // Rendered again from the record: the page always matches this version of the plugin.
  const html = runHtmlPath(dir);
  writeFileAtomic(html, reportHtml(record));
  if (o.outputPath) {
    mkdirSync(dirname(o.outputPath), { recursive: true });
    copyFileSync(html, o.outputPath);
  }
  const shown = relative(workspaceRoot, o.outputPath ?? html) || join('.', html);
  return o.json ? JSON.stringify(record, null, 2) : reportText(record, shown);
}
