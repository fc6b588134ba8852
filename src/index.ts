/**
 * portpick's library: which port should a new network service use by default
 * (the RFC 6335 method), and which ports answer on a network. Library code
 * never prints and never exits: every function returns data or throws one of
 * the typed errors below, each a {@link PortpickError} with a stable `code`
 * and a message that says what was expected and what came.
 *
 * | for | functions |
 * | --- | --- |
 * | the sources | {@link loadSources}, {@link sources}, {@link update} |
 * | choosing a port | {@link check}, {@link checkPorts}, {@link suggest}, {@link pickPort}, {@link freePorts}, {@link ranges}, {@link request} |
 * | the organisation's ports | {@link inventory}, {@link reserve} |
 * | a picture of the port space | {@link mapPorts}, {@link renderSvg}, {@link renderHtml}, {@link renderTerminal}, {@link portMapJson} |
 * | sweeping networks | {@link scan}, {@link scanMany}, {@link mergeJsonLines}, {@link mergeJsonLinesFiles} |
 *
 * Every port-choice function takes the options of {@link loadSources} (see
 * {@link SourcesInput}), or `sources` loaded once by it. This module is the
 * whole public API: the package exports nothing else, and the modules behind
 * it may change without notice.
 *
 * @packageDocumentation
 */

// Errors: one class per file, each with `code` and a message that says what was expected and what came.
export { PortpickError } from './errors/portpick-error.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { PortSpecError } from './errors/port-spec-error.js';
export { TargetParseError } from './errors/target-parse-error.js';
export { RegistryParseError } from './errors/registry-parse-error.js';
export { SourceUnavailableError } from './errors/source-unavailable-error.js';
export { FileAccessError } from './errors/file-access-error.js';
export { PermissionError } from './errors/permission-error.js';
export { NativeUnavailableError } from './errors/native-unavailable-error.js';
export { UpdateError } from './errors/update-error.js';
export { ScanOutputParseError } from './errors/scan-output-parse-error.js';
export { UncheckedSourcesError } from './errors/unchecked-sources-error.js';
export { NoFreePortError } from './errors/no-free-port-error.js';
export { SweepRefusedError } from './errors/sweep-refused-error.js';
export { SweepError, type SweepFailureHint } from './errors/sweep-error.js';

// Sources.
export { loadSources, type LoadSourcesOptions } from './api/load-sources.js';
export { sources } from './api/sources.js';
export { update, type UpdateRequest } from './api/update.js';
export type { SourcesInput } from './api/common.js';
export type { ReservationInput } from './api/reservation-data.js';
export type { UpdateReport, UpdateFileResult, UpdateStatus } from './registry/update.js';
export type { CacheKind } from './registry/cache.js';
export type { IanaRegistry, LoadedSources } from './registry/loaded-sources.js';
export type { EntryIndex } from './registry/entry-index.js';
export type {
  EntryExtra,
  EphemeralRange,
  InventoryFindingInfo,
  OperatingSystem,
  OwningProcess,
  Protocol,
  RegistryEntry,
  RegistryState,
  SourceId,
  SourceStatus,
  WellKnownDefault,
} from './registry/types.js';
export type { CustomSource, CustomSourceFinding } from './registry/custom-source.js';
export type { OrgSource } from './registry/inventory/org-source.js';
export type { OsReservedPorts } from './registry/os-reserved-ports.js';
export type { ExcludedPortRange } from './registry/ephemeral.js';
export type { SelectableSource } from './pick/source-selection.js';

// Port choice (RFC 6335).
export { ranges, type RangesRequest, type RangesReport } from './api/ranges.js';
export { freePorts, type FreeRequest, type FreeReport } from './api/free.js';
export { check, checkPorts, type CheckRequest, type CheckPortsRequest, type CheckPortsReport } from './api/check.js';
export { suggest, type SuggestRequest, type SuggestReport } from './api/suggest.js';
export { pickPort, type PickRequest, type PickReport } from './api/pick.js';
export { request, type RequestDraftRequest } from './api/request.js';
export { inventory, type InventoryRequest } from './api/inventory.js';
export { reserve, type ReserveRequest, type ReserveReport } from './api/reserve.js';
export type { NetworkSweepOptions } from './api/network-sweep.js';
export type { InventoryReport, PortFinding, InventoryProblem, InventorySkips, InventoryKind, Confidence } from './registry/inventory/types.js';
export type { NewReservation } from './registry/reservation-writer.js';
export type { CheckReport } from './pick/check.js';
export type { PortRange, NetworkFinding, BindProbeResult } from './pick/types.js';
export type { BindProbeOutcome } from './registry/bind-probe.js';
export type { PortClassification, PortRangeClass, PortRangeName } from './pick/ranges.js';
export type { SuggestResult, Candidate, ExclusionCounts, ExclusionSource } from './pick/suggest.js';
export type { RegistrationDraft, TemplateField, TemplateFieldName } from './pick/request.js';
export type {
  AnyVerdict,
  BindEvidence,
  BindVerdict,
  BrowserUnsafeEvidence,
  BrowserUnsafeVerdict,
  CustomEvidence,
  CustomVerdict,
  DefaultsEvidence,
  DefaultsVerdict,
  EphemeralEvidence,
  EphemeralVerdict,
  IanaEvidence,
  IanaVerdict,
  KubernetesEvidence,
  KubernetesVerdict,
  ListenersEvidence,
  ListenersVerdict,
  NetworkEvidence,
  NetworkVerdict,
  NmapEvidence,
  NmapVerdict,
  OrgEvidence,
  OrgVerdict,
  OsReservedEvidence,
  OsReservedVerdict,
  OverallVerdict,
  RangeEvidence,
  RangeVerdict,
  ReservationsEvidence,
  ReservationsVerdict,
  ServicesEvidence,
  ServicesVerdict,
  SourceVerdict,
  Verdict,
  VerdictSource,
  VerdictStatus,
} from './pick/verdict.js';

// A picture of the port space (docs/map.md).
export { mapPorts, type MapRequest } from './map/map-ports.js';
export type { PortMap } from './map/port-map.js';
export { portMapJson, type PortMapJson } from './map/map-json.js';
export { renderSvg, type SvgOptions } from './map/render-svg.js';
export { renderHtml } from './map/render-html.js';
export { renderTerminal, type TerminalRenderOptions } from './map/render-terminal.js';
export type { CellKind } from './map/classify.js';

// Sweeping.
export { scan, scanMany, type ScanHandle, type ScanPlanInfo } from './scan/scan.js';
export type { ScanOptions } from './scan/scan-options.js';
export type { ScanMode } from './scan/engine-choice.js';
export type { Shard } from './scan/plan.js';
export type { HostLookup } from './scan/targets.js';
export type { SweepSafety } from './scan/sweep-safety.js';
export type { DefaultExclusion } from './scan/special-addresses.js';
export type { ScanEngineName, ScanPortState, ScanProgress, ScanReason, ScanResult, ScanSummary } from './scan/types.js';
export type { ResumeState } from './scan/resume.js';
export { mergeJsonLines, mergeJsonLinesFiles, type MergeResult, type MergeShardReport, type JsonLinesInput } from './scan/merge.js';
export type { JsonLinesResultFilter } from './scan/reporters/jsonl.js';
export type { ScanMeta } from './scan/reporters/reporter.js';
