/**
 * The API as the front-end sees it, read from the server's own code: each endpoint's path
 * parameters, query, body and answer are the types of the route's zod schemas and of the
 * service function the route returns, imported as types only (nothing of the server reaches a
 * bundle). A change on the server that breaks a page is a type error in the page.
 *
 * Keys are "METHOD /path/:param", called with `api.call(key, { params, query, json })`.
 * When a route builds its answer inline, give the answer a named type next to the route (or a
 * service function) and refer to it here: no answer is described twice.
 */
import type { formerMembers, getTeam, listTeams, searchRegistry } from '../../registry/registry.service.js';
import type { AddMemberBody, CreateTeamBody, CreateVillageBody, LeaveBody, MergeMemberBody, MergeVillageBody, MoveBody, RenameVillageBody, TeamStatusBody, UpdateMemberBody, UpdateMembershipBody, UpdateTeamBody } from '../../registry/registry.contract.js';
import type { addMember, leaveTeam, moveMember, updateMember, updateMembership } from '../../registry/registry.members.js';
import type { HistoryLine, memberDetail } from '../../registry/registry.history.js';
import type { duplicatePairs, mergeMembers } from '../../registry/registry.duplicates.js';
import type { mergeVillages } from '../../catalogue/catalogue.villages.js';
import type { childUnits, getUnit, listProvinces, searchAdminUnits } from '../../catalogue/catalogue.service.js';
import type { FieldContext } from '../../sessions/sessions.field.js';
import type { SyncAnswer } from '../../sessions/sessions.routes.js';
import type { decideReview, ReviewDecision, ReviewItem } from '../../sessions/sessions.review.js';
import type { SyncRecord } from '../../sessions/sessions.sync.js';
import type { ArticleBody } from '../../portal/portal.contract.js';
import type { OfficeArticle, storeImage } from '../../portal/portal.content.js';
import type { moderateComment, QueuedComment, siteSettings } from '../../portal/portal.comments.js';
import type { acceptHelpRequest, assignHelpRequest, cancelHelpRequest } from '../../help/help.service.js';
import type { HelpRequestView } from '../../help/help.views.js';
import type { HelpReport } from '../../help/help.report.js';
import type { Me, SelfView } from '../../access/auth.routes.js';
import type { ChangedUser, IssuedAccount, IssuedCode, TeamAccounts, TeamAccountsIssued, UserList } from '../../access/users.routes.js';
import type { CreateUserBody, LoginBody, MemberAccountBody, PasswordBody, ResetBody, SetupBody, UpdateUserBody } from '../../access/auth.contract.js';
import type { auditEntries } from '../../audit/audit.service.js';
import type { ImportAnswer, ImportLimits } from '../../imports/imports.report.js';
import type { saveMapping } from '../../imports/imports.service.js';
import type { importLogEntries } from '../../imports/imports.repo.js';
import type { Field } from '../../imports/imports.labels.js';
import type { importPopulation, PopulationProblem } from '../../sessions/sessions.population.import.js';

import type { PeriodQuery, supportReport } from '../../sessions/sessions.report.js';
import type { SupportTable } from '../../sessions/sessions.export.js';
import type { networkReport } from '../../reports/network.service.js';
import type { AttendanceResult } from '../../trainings/trainings.attendance.js';
import type { verifyCertificate } from '../../trainings/trainings.certify.js';
import type { AttendanceInput, BridgePointInput, TrainingInput } from '../../trainings/trainings.contract.js';
import type { PointRow, TopicRow } from '../../trainings/trainings.repo.js';
import type { trainingReport } from '../../trainings/trainings.report.js';
import type { untrainedMembers } from '../../trainings/trainings.untrained.js';
import type { closeTraining, createTraining, decideWalkIn, updateTraining, walkInsFor } from '../../trainings/trainings.service.js';
import type { currentCode, hostingFor, listTrainings, myTrainings, trainingDetail } from '../../trainings/trainings.views.js';
import type { ClockAnswer } from '../../sessions/sessions.clock.js';
import type { CompletionReport } from '../../trainings/courses.import.js';
import type { CourseCoverage } from '../../trainings/courses.coverage.js';
import type { SubscriptionStatus } from '../../national/national.subscription.js';
import type { nationalNetworkReport } from '../../national/national.report.js';
import type { AckResult } from '../../directives/directives.acks.js';
import type { directiveBoard, DirectiveListRow, teamInbox } from '../../directives/directives.board.js';
import type { AckInput, DirectiveInput, ForwardInput, RemindInput } from '../../directives/directives.contract.js';
import type { issueDirective } from '../../directives/directives.service.js';
import type { BoundaryResponse } from '../../maps/maps.routes.js';
type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

/** What every endpoint describes: optional params, query and body, and its answer. */
export interface Endpoint {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  response: unknown;
}

export interface Endpoints {
  'GET /api/setup': { response: { needed: boolean } };
  'GET /api/auth/me': { response: Me };
  'POST /api/setup': { body: SetupBody; response: { user: SelfView } };
  'POST /api/auth/login': { body: LoginBody; response: { user: SelfView } };
  'POST /api/auth/password': { body: PasswordBody; response: { ok: boolean } };
  'POST /api/auth/reset': { body: ResetBody; response: { ok: boolean } };
  /** `lockedUntil` arrives as an ISO string (JSON) */
  'GET /api/users': { query: { q?: string }; response: UserList };
  'PATCH /api/users/:id': { params: { id: number }; body: UpdateUserBody; response: ChangedUser };
  /** the one-time code is in the answer only: show it once */
  'POST /api/members/:id/account': { params: { id: number }; body: MemberAccountBody; response: IssuedAccount };
  'POST /api/teams/:id/accounts': { params: { id: number }; body: Record<string, never>; response: TeamAccountsIssued };
  'GET /api/teams/:id/accounts': { params: { id: number }; response: TeamAccounts };
  'POST /api/users': { body: CreateUserBody; response: { user: SelfView } };
  'POST /api/users/:id/reset': { params: { id: number }; body: Record<string, never>; response: IssuedCode };
  /** `at` arrives as an ISO string (JSON); `after` is the entry's own JSON */
  'GET /api/audit': { query: { unit?: string; limit?: number; to?: string; format?: 'json' }; response: { entries: Result<typeof auditEntries> } };
  'GET /api/maps/boundaries/:code': { params: { code: string }; response: BoundaryResponse };
  'GET /api/units': { query: { parent?: string; q?: string }; response: Result<typeof searchAdminUnits> | { units: Result<typeof childUnits> | Result<typeof listProvinces> } };
  'GET /api/units/:code': { params: { code: string }; query: { asOf?: string }; response: Result<typeof getUnit> };
  'GET /api/teams': { query: { unit: string }; response: { teams: Result<typeof listTeams> } };
  'GET /api/teams/:id': { params: { id: number }; response: Result<typeof getTeam> };
  'GET /api/search': { query: { q: string; province?: string }; response: Result<typeof searchRegistry> };
  'GET /api/field/context': { query: { commune?: string }; response: FieldContext };
  /** at most 500 records (MAX_SYNC_BATCH); the field app's Syncer reads the per-record answers with `api.raw` */
  'POST /api/support-sessions/sync': { body: { records: SyncRecord[]; deviceNow?: string }; response: SyncAnswer };
  'GET /api/support-sessions/reviews': { query: { status?: ReviewItem['status']; offset?: number; limit?: number }; response: { reviews: ReviewItem[]; total: number; offset: number; limit: number } };
  'POST /api/support-sessions/reviews/:id': { params: { id: string }; body: ReviewDecision; response: Result<typeof decideReview> };
  'POST /api/auth/logout': { body: Record<string, never>; response: { ok: boolean } };
  /** unit=CODE | team=ID | member=ID over a period; format csv (one `table`) or xlsx are downloads (`api.file`) */
  'GET /api/reports/support': { query: ({ unit: string } | { team: number | string } | { member: number | string }) & Pick<PeriodQuery, keyof PeriodQuery> & { format?: 'json' | 'csv' | 'xlsx'; table?: SupportTable }; response: Result<typeof supportReport> };
  /** format csv or xlsx are downloads (`api.file`) */
  /** the operator's page (national/national.routes.ts): this server's part in the national replication */
  'GET /api/national/replication': {
    response:
      | { server: 'embedded'; province: string | null }
      | { server: 'standalone' }
      | { server: 'national'; subscriptions: SubscriptionStatus[] }
      | { server: 'province'; province: string | null; publication: string | null; slots: { slot: string; active: boolean; pendingBytes: number | null }[] };
  };
  'GET /api/national/network': { response: Result<typeof nationalNetworkReport> };
  'GET /api/reports/network': { query: { unit: string; format?: 'json' | 'csv' | 'xlsx'; asOf?: string; from?: string; to?: string }; response: Result<typeof networkReport> };
  /** a file: the unit's roster in the official form (.xlsx), fetched with `api.file` */
  'GET /api/reports/roster': { query: { unit: string; asOf?: string }; response: Blob };
  /** multipart: the file in the body (FormData, field "file"); errors carry `details.problems: PopulationProblem[]` */
  'POST /api/population/import': { query: { year?: number | string }; response: Result<typeof importPopulation>; problems: PopulationProblem };
  /** multipart: the files in the body (FormData, any field name; optional JSON text fields `mapping` and `unitChoices`); a single file refused is the error, with its FileReport in `details` when it was read */
  'POST /api/imports': { query: { commit?: 'true' | 'false'; province?: string; commune?: string }; response: ImportAnswer };
  'POST /api/imports/mappings': { body: { headers: string[]; mapping: Record<string, Field | null> }; response: Result<typeof saveMapping> };
  'GET /api/imports/limits': { response: ImportLimits };
  /** `importedAt` arrives as an ISO string (JSON) */
  'GET /api/imports': { query: { limit?: number }; response: { imports: Result<typeof importLogEntries> } };
  // the registry by hand (registry/registry.edit.routes.ts); refusals: 409 REGISTRY_CONFLICT (details.leaders for a second leader), 409 VERSION_CONFLICT (details.version)
  'POST /api/teams': { body: CreateTeamBody; response: Result<typeof getTeam> };
  'PATCH /api/teams/:id': { params: { id: number }; body: UpdateTeamBody; response: Result<typeof getTeam> };
  'POST /api/teams/:id/status': { params: { id: number }; body: TeamStatusBody; response: Result<typeof getTeam> };
  'GET /api/teams/:id/history': { params: { id: number }; response: { history: HistoryLine[]; former: Result<typeof formerMembers> } };
  'POST /api/teams/:id/members': { params: { id: number }; body: AddMemberBody; response: Result<typeof addMember> };
  'PATCH /api/teams/:teamId/members/:memberId': { params: { teamId: number; memberId: number }; body: UpdateMembershipBody; response: Result<typeof updateMembership> };
  'POST /api/teams/:teamId/members/:memberId/leave': { params: { teamId: number; memberId: number }; body: LeaveBody; response: Result<typeof leaveTeam> };
  'GET /api/members/:id': { params: { id: number }; response: Result<typeof memberDetail> };
  'PATCH /api/members/:id': { params: { id: number }; body: UpdateMemberBody; response: Result<typeof updateMember> };
  'POST /api/members/:id/move': { params: { id: number }; body: MoveBody; response: Result<typeof moveMember> };
  'POST /api/members/:id/merge': { params: { id: number }; body: MergeMemberBody; response: Result<typeof mergeMembers> };
  'GET /api/duplicates': { query: { commune: string }; response: { pairs: Result<typeof duplicatePairs> } };
  'POST /api/duplicates/distinct': { body: { a: number; b: number }; response: null };
  'POST /api/villages': { body: CreateVillageBody; response: { code: string | null; name: string; validFrom: string | null } };
  'PATCH /api/villages/:code': { params: { code: string }; body: RenameVillageBody; response: { code: string | null; name: string } };
  'POST /api/villages/:code/merge': { params: { code: string }; body: MergeVillageBody; response: Result<typeof mergeVillages> };
  'POST /api/push/subscriptions': { body: { endpoint: string; keys: { p256dh: string; auth: string } }; response: { ok: boolean } };
  // directives (directives/directives.routes.ts)
  'GET /api/directives': { query: { from?: string; to?: string }; response: { directives: DirectiveListRow[] } };
  'POST /api/directives': { body: DirectiveInput; response: Result<typeof issueDirective> };
  'GET /api/directives/inbox': { response: Result<typeof teamInbox> };
  'POST /api/directives/acks/sync': { body: { records: AckInput[] }; response: { results: AckResult[] } };
  'GET /api/directives/:id/board': { params: { id: number }; query: { commune?: string }; response: Result<typeof directiveBoard> };
  'POST /api/directives/:id/forward': { params: { id: number }; body: ForwardInput; response: { teams: number } };
  'POST /api/directives/:id/remind': { params: { id: number }; body: RemindInput; response: { teams: number; messages: number; skipped: number; unconfigured: string[] } };
  /** multipart: the files in the body (FormData, field "files") */
  'POST /api/directives/:id/attachments': { params: { id: number }; response: { attachments: { id: number; name: string; mediaType: string; bytes: number; flags: string[] }[] } };
  // trainings (trainings/trainings.routes.ts); times arrive as ISO strings
  'GET /api/training-topics': { response: { topics: TopicRow[] } };
  'GET /api/bridge-points': { query: { commune?: string }; response: { points: PointRow[] } };
  'POST /api/bridge-points': { body: BridgePointInput; response: PointRow };
  'GET /api/trainings': { query: { from?: string; to?: string }; response: Result<typeof listTrainings> };
  'POST /api/trainings': { body: TrainingInput; response: Result<typeof createTraining> };
  'GET /api/trainings/:id': { params: { id: number }; response: Result<typeof trainingDetail> };
  'PUT /api/trainings/:id': { params: { id: number }; body: TrainingInput & { version: number }; response: Result<typeof updateTraining> };
  'POST /api/trainings/:id/close': { params: { id: number }; body: Record<string, never>; response: Result<typeof closeTraining> };
  'GET /api/trainings/:id/points/:pointId/code': { params: { id: number; pointId: number }; response: Result<typeof currentCode> };
  /** the host's screen, cached for offline use: each point's code secret lets the phone show the rotating QR without the network */
  'GET /api/trainings/hosting': { response: Result<typeof hostingFor> };
  'GET /api/trainings/mine': { response: Result<typeof myTrainings> };
  'GET /api/trainings/walk-ins': { query: { status?: 'pending' | 'added' | 'dismissed' }; response: Result<typeof walkInsFor> };
  'POST /api/trainings/walk-ins/:id': { params: { id: string }; body: { action: 'link'; memberId: number } | { action: 'dismiss' }; response: Result<typeof decideWalkIn> };
  /** at most 500 records (MAX_ATTENDANCE_BATCH) */
  'POST /api/trainings/attendance/sync': { body: { records: AttendanceInput[]; deviceNow?: string }; response: { results: AttendanceResult[]; accepted: number; duplicates: number; rejected: number; clock: ClockAnswer } };
  /** files (`api.file`): every attendee's certificates of a closed session; the caller's own */
  'GET /api/trainings/:id/certificates.pdf': { params: { id: number }; response: Blob };
  'GET /api/trainings/:id/certificates/mine.pdf': { params: { id: number }; response: Blob };
  'GET /api/verify/:code': { params: { code: string }; response: NonNullable<Result<typeof verifyCertificate>> };
  /** format csv or xlsx are downloads (`api.file`) */
  /** format csv is a download (`api.file`) */
  'GET /api/reports/trainings/untrained': { query: { unit: string; asOf?: string; format?: 'json' | 'csv' }; response: Result<typeof untrainedMembers> };
  'GET /api/reports/trainings': { query: { unit: string; from: string; to: string; format?: 'json' | 'csv' | 'xlsx' }; response: Result<typeof trainingReport> };
  // national course completion lists (trainings/courses.routes.ts)
  /** multipart: the file in the body (FormData, field "file"); dry run unless commit=true; `province` only for an admin; a list with nothing to store, committed, is the error with its CompletionReport in `details` */
  'POST /api/course-completions/import': { query: { commit?: 'true' | 'false'; province?: string }; response: CompletionReport };
  'GET /api/course-completions': { query: { unit: string; from?: string; to?: string }; response: CourseCoverage };
  // the residents' portal (portal/portal.routes.ts) and help requests (help/help.routes.ts); times arrive as ISO strings
  'GET /api/portal/articles': { response: { articles: OfficeArticle[] } };
  'GET /api/portal/articles/:id': { params: { id: number }; response: OfficeArticle };
  'POST /api/portal/articles': { body: Partial<ArticleBody> & Pick<ArticleBody, 'kind' | 'title' | 'body'>; response: { id: number } };
  'PUT /api/portal/articles/:id': { params: { id: number }; body: Partial<ArticleBody> & Pick<ArticleBody, 'kind' | 'title' | 'body'> & { version: number }; response: { id: number; version: number } };
  'POST /api/portal/preview': { body: { body: string }; response: { html: string } };
  /** multipart: the image in the body (FormData, field "file") */
  'POST /api/portal/images': { query: { unit?: string }; response: Result<typeof storeImage> };
  'GET /api/portal/comments': { query: { status?: 'pending' | 'hidden' | 'published' }; response: { comments: QueuedComment[] } };
  'POST /api/portal/comments/:id/moderate': { params: { id: number }; body: { action: 'approve' | 'hide' | 'block'; days?: number; reason?: string }; response: Result<typeof moderateComment> };
  'GET /api/portal/site': { query: { unit?: string }; response: { unit: { code: string | null; name: string; level: string } } & Result<typeof siteSettings> };
  'PUT /api/portal/site': { body: { unit?: string; moderation: 'pre' | 'post' }; response: { unit: { code: string | null; name: string; level: string } } & Result<typeof siteSettings> };
  'PUT /api/portal/banned-words': { body: { unit?: string; words: string[] }; response: { unit: { code: string | null; name: string; level: string } } & Result<typeof siteSettings> };
  'PUT /api/portal/members/:id/public-phone': { params: { id: number }; body: { publish: boolean }; response: { id: number; publicPhone: boolean } };
  'GET /api/help-requests/mine': { response: { requests: HelpRequestView[]; now: string } };
  'GET /api/help-requests': { query: { state?: 'open' | 'overdue' | 'all' }; response: { requests: HelpRequestView[] } };
  'POST /api/help-requests/:id/accept': { params: { id: number }; body: { at?: string; deviceNow?: string }; response: Result<typeof acceptHelpRequest> };
  'POST /api/help-requests/:id/assign': { params: { id: number }; body: { teamId: number }; response: Result<typeof assignHelpRequest> };
  'POST /api/help-requests/:id/cancel': { params: { id: number }; body: { reason: string }; response: Result<typeof cancelHelpRequest> };
  'GET /api/help-requests/report': { query: { unit: string; from?: string; to?: string }; response: HelpReport };
}
