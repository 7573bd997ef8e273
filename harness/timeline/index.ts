// Public API of the timeline: record schemas and types, writer, reader, formatters.
export {
  LINK_STATES, RECORD_KINDS, recordsOf, timelineRecord,
  linkRecord, statszRecord, statszBurstRecord, statszCheckRecord, varzRecord, serverRecord,
  probeRecord, probeStallRecord, stepRecord, faultRecord, observerRecord, runRecord, noteRecord,
} from './records.ts';
export type {
  LinkState, RecordKind, RecordOf, TimelineRecord,
  LinkRecord, StatszRecord, StatszBurstRecord, StatszCheckRecord, VarzRecord, ServerRecord,
  ProbeRecord, ProbeStallRecord, StepRecord, FaultRecord, ObserverRecord, RunRecord, NoteRecord,
} from './records.ts';
export { TimelineWriter, MemoryTimeline, teeSink, cutTornTail, describeTornTail } from './writer.ts';
export type { TimelineSink, TimelineListener, TornTail } from './writer.ts';
export { parseTimeline, readTimeline } from './reader.ts';
export type { ParsedTimeline } from './reader.ts';
export { formatRecord, formatters } from './format.ts';
export { addLinkRecord, latestState, linkHistories, linkKey, outagesOf, stateAt } from './link-history.ts';
export type { LinkHistory, LinkOutage, LinkTransition } from './link-history.ts';
