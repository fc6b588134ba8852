/**
 * portpick's library API. Library code never prints and never exits: every
 * function returns data or throws a typed error (see ./errors).
 *
 * Port choice:   ranges(), freePorts(), check(), checkPorts(), suggest(), pickPort(), request(), loadSources(), sources(), update()
 * Picture:       mapPorts(), buildPortMap(), portMapJson(), renderSvg(), renderHtml(), renderTerminal()
 * Sweeping:      scan(), scanMany(), mergeJsonLines(), createReporter()
 */
export * from './errors/index.js';

// Registry sources and their one entry type.
export type * from './registry/types.js';
export { PROTOCOLS } from './registry/types.js';
export { EntryIndex } from './registry/entry-index.js';
export type { IanaRegistry, LoadedSources } from './registry/loaded-sources.js';
export { loadSources, type LoadSourcesOptions } from './api/load-sources.js';
export { sources } from './api/sources.js';
export { update } from './api/update.js';
export type { UpdateReport, UpdateFileResult } from './registry/update.js';
export { parseIanaCsv } from './registry/iana-csv.js';
export { parseIanaXml } from './registry/iana-xml.js';
export { loadIanaFile } from './registry/iana-load.js';
export { loadIanaSnapshot } from './registry/iana-snapshot.js';
export { parseNmapServices, topPorts } from './registry/nmap-services.js';
export { parseServicesFile } from './registry/services-file.js';
export { parseReservations } from './registry/reservations.js';
export { probeBind } from './registry/bind-probe.js';
export { ephemeralRanges } from './registry/ephemeral.js';
export { BROWSER_UNSAFE_PORTS, isBrowserUnsafePort } from './registry/browser-unsafe.js';
export { parseWellKnownDefaults, loadWellKnownDefaults } from './registry/well-known-defaults.js';
export { parseLinuxReservedPorts, loadOsReservedPorts, type OsReservedPorts } from './registry/os-reserved-ports.js';
export { parseNetshExcludedRanges } from './registry/ephemeral.js';
export { KUBERNETES_NODE_PORT_RANGE, isKubernetesNodePort } from './registry/kubernetes-node-ports.js';

// Port choice (RFC 6335).
export { ranges, type RangesReport } from './api/ranges.js';
export { freePorts, type FreeRequest, type FreeReport } from './api/free.js';
export { check, checkPorts, type CheckRequest, type CheckPortsRequest, type CheckPortsReport } from './api/check.js';
export { suggest, type SuggestRequest, type SuggestReport } from './api/suggest.js';
export { pickPort, type PickRequest, type PickReport } from './api/pick.js';
export type { ReservationInput } from './api/reservation-data.js';
export type { CustomSource, CustomSourceFinding } from './registry/custom-source.js';
export { SELECTABLE_SOURCES, type SelectableSource } from './pick/source-selection.js';
export { request, type RequestDraftRequest } from './api/request.js';
export { inventory, type InventoryRequest } from './api/inventory.js';
export { reserve, type ReserveRequest, type ReserveReport } from './api/reserve.js';
export type { InventoryReport, PortFinding, InventoryProblem, InventoryKind, Confidence } from './registry/inventory/types.js';
export { addReservationToText } from './registry/reservation-writer.js';
export { sweepNetworks, type NetworkSweepOptions } from './api/network-sweep.js';
export { nativeStatus, type NativeStatus } from './api/native-status.js';
export type { CheckReport } from './pick/check.js';
export type { SuggestResult, Candidate, ExclusionCounts } from './pick/suggest.js';
export type { RegistrationDraft } from './pick/request.js';
export type { SourceVerdict, CustomVerdict, AnyVerdict, VerdictStatus, OverallVerdict } from './pick/verdict.js';
export { isBuiltInVerdict } from './pick/verdict.js';

// A picture of the port space (docs/map.md).
export { mapPorts, type MapRequest } from './map/map-ports.js';
export { buildPortMap, type PortMap, type PortMapOptions } from './map/port-map.js';
export { portMapJson, type PortMapJson } from './map/map-json.js';
export { renderSvg } from './map/render-svg.js';
export { renderHtml } from './map/render-html.js';
export { renderTerminal } from './map/render-terminal.js';
export { rangesTable, classifyPort } from './pick/ranges.js';
export { serviceNameProblems, isValidServiceName } from './pick/service-name.js';

// Sweeping.
export { scan, scanMany, type ScanHandle, type ScanPlanInfo } from './scan/scan.js';
export type { ScanOptions } from './scan/scan-options.js';
export type * from './scan/types.js';
export { readResumeFile, writeResumeFile, type ResumeState } from './scan/resume.js';
export { mergeJsonLines, mergeJsonLinesFiles, type MergeResult } from './scan/merge.js';
export { createReporter, REPORT_FORMATS, type Reporter, type ScanMeta } from './scan/reporters/index.js';
export { ReportedBatch } from './scan/reported-batch.js';
export type { RecordBatch } from './scan/decode.js';
export { parsePortSpec } from './scan/ports.js';
