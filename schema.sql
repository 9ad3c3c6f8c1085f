-- Dragnet's PostgreSQL schema.
--
-- The server applies this file at every start, before it serves, so each statement must be idempotent:
-- CREATE ... IF NOT EXISTS only. A change to an existing table goes in as an extra idempotent statement
-- (ALTER TABLE ... ADD COLUMN IF NOT EXISTS ...), never as an edit of the CREATE below, because databases
-- created by earlier versions keep their old tables.
--
-- Statements are split on ';', so no semicolons inside comments; inside a single-quoted literal (a function's
-- body) they are kept.

-- Where to send a WHOIS query for a domain: one row per registry suffix. The longest suffix of a domain's
-- labels that has a row wins ('co.uk' before 'uk').
CREATE TABLE IF NOT EXISTS whois_server (
	suffix       text PRIMARY KEY,                  -- 'com', 'co.uk': lower-case A-labels, no leading or trailing dot
	host         text,                              -- WHOIS host name or IP literal, null when there is no WHOIS service
	port         int NOT NULL DEFAULT 43,
	query_format text NOT NULL DEFAULT '%s',        -- the query line, with exactly one %s for the domain ('domain %s')
	service      text NOT NULL                      -- 'whois' (ask host), 'none' (the registry runs no WHOIS), 'web' (only web_url)
	             CHECK (service IN ('whois', 'none', 'web')),
	web_url      text,                              -- the registry's web lookup page, for service 'web'
	origin       text NOT NULL                      -- 'seed' (from whois/tld.json, refreshed at start) or 'admin' (set through the API and never overwritten by the seed)
	             CHECK (origin IN ('seed', 'admin')),
	updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Serves "is this host one of the directory's servers?" checks for caller-chosen servers.
CREATE INDEX IF NOT EXISTS whois_server_host_port ON whois_server (lower(host), port);

-- Every probe agent that ever said hello, by its self-chosen name. Probes come and go; the row stays and
-- keeps lifetime counters.
CREATE TABLE IF NOT EXISTS probe (
	name              text PRIMARY KEY,
	remote_address    text,                          -- the address the probe connected from, last time
	state             text NOT NULL                  -- 'EFFECTIVE' (connected and answering) or 'INEFFECTIVE'
	                  CHECK (state IN ('EFFECTIVE', 'INEFFECTIVE')),
	version           text,                          -- the agent's version, from its hello
	capabilities      text[] NOT NULL DEFAULT '{}',  -- the task kinds it accepts
	max_concurrency   int NOT NULL DEFAULT 0,        -- tasks it runs at once
	connected_since   timestamptz,
	last_seen         timestamptz,                   -- last message or pong
	disconnected_at   timestamptz,
	disconnect_reason text,
	completed         bigint NOT NULL DEFAULT 0,     -- tasks that produced a result
	failed            bigint NOT NULL DEFAULT 0,     -- tasks that failed on the probe
	created_at        timestamptz NOT NULL DEFAULT now()
);

-- Finished WHOIS and RDAP lookups, served again for dragnet.whois.cache-ttl. One row per question: the
-- domain, the caller-chosen server ('' for the table's) and the policy. The raw answers are stored, not the
-- parsed fields, so a better parser improves cached answers too.
CREATE TABLE IF NOT EXISTS whois_cache (
	domain     text NOT NULL,                      -- A-label
	server     text NOT NULL DEFAULT '',           -- 'host:port' when the caller chose the server
	policy     text NOT NULL,                      -- 'AUTO', 'RDAP' or 'WHOIS'
	source     text NOT NULL,                      -- 'whois' or 'rdap': what answered
	hops       jsonb NOT NULL,                     -- every answer in order, as the API's hops
	fetched_at timestamptz NOT NULL,
	PRIMARY KEY (domain, server, policy)
);

CREATE INDEX IF NOT EXISTS whois_cache_fetched_at ON whois_cache (fetched_at);

-- Reverse-IP campaigns (docs/CAMPAIGNS.md). A campaign covers address ranges, cut into work blocks that
-- probes lease, resolve and return.
CREATE TABLE IF NOT EXISTS campaign (
	id           bigserial PRIMARY KEY,
	name         text NOT NULL,
	state        text NOT NULL DEFAULT 'CREATED'
	             CHECK (state IN ('CREATED', 'RUNNING', 'PAUSED', 'CANCELLED', 'DONE', 'FAILED')),
	block_size   int NOT NULL,
	sources      text[] NOT NULL DEFAULT '{}',     -- source names to use, in order (empty: every enabled source)
	verify       boolean NOT NULL DEFAULT false,   -- forward-resolve each domain found
	total_ips    bigint NOT NULL,
	total_blocks int NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	started_at   timestamptz,
	finished_at  timestamptz
);

-- The ranges a campaign was created with, with both address and numeric forms.
CREATE TABLE IF NOT EXISTS ip_range (
	id             bigserial PRIMARY KEY,
	campaign_id    bigint NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
	begin_ip       inet NOT NULL,
	end_ip         inet NOT NULL,
	begin_num      bigint NOT NULL,
	end_num        bigint NOT NULL,
	organisation   text,                           -- owner, when the CSV named one
	dispatched     boolean NOT NULL DEFAULT false, -- some block of it has been leased
	resolved_count bigint NOT NULL DEFAULT 0,      -- addresses of it with a result
	CHECK (begin_num <= end_num)
);

CREATE INDEX IF NOT EXISTS ip_range_campaign ON ip_range (campaign_id);

-- The unit of work a probe leases: a run of consecutive addresses of one range.
CREATE TABLE IF NOT EXISTS work_block (
	id               bigserial PRIMARY KEY,
	campaign_id      bigint NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
	range_id         bigint NOT NULL REFERENCES ip_range (id) ON DELETE CASCADE,
	first_num        bigint NOT NULL,
	last_num         bigint NOT NULL,
	state            text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'LEASED', 'DONE', 'FAILED')),
	lease_holder     text,                         -- probe name
	lease_id         uuid,
	lease_expires_at timestamptz,
	attempts         int NOT NULL DEFAULT 0,
	ips_done         int NOT NULL DEFAULT 0,
	domains_found    int NOT NULL DEFAULT 0,
	failure_reason   text,
	updated_at       timestamptz NOT NULL DEFAULT now(),
	CHECK (first_num <= last_num)
);

CREATE INDEX IF NOT EXISTS work_block_pending ON work_block (campaign_id, id) WHERE state = 'PENDING';
CREATE INDEX IF NOT EXISTS work_block_leased ON work_block (lease_expires_at) WHERE state = 'LEASED';
CREATE INDEX IF NOT EXISTS work_block_campaign_state ON work_block (campaign_id, state);

-- What campaigns found: one row per (address, domain), updated on every sighting.
CREATE TABLE IF NOT EXISTS ip_domain (
	ip           inet NOT NULL,
	domain       text NOT NULL,                    -- normalised: lower case, no trailing dot, no wildcard
	first_seen   timestamptz NOT NULL DEFAULT now(),
	last_seen    timestamptz NOT NULL DEFAULT now(),
	verification smallint NOT NULL DEFAULT 0 CHECK (verification IN (0, 1, 2)), -- 0 unverified, 1 verified, 2 failed
	domain_level smallint NOT NULL CHECK (domain_level IN (1, 2)),              -- 1 registrable domain, 2 subdomain
	is_new       boolean NOT NULL DEFAULT true,    -- first sighting, not seen again since
	sources      text[] NOT NULL DEFAULT '{}',     -- every source that reported it
	campaign_id  bigint REFERENCES campaign (id) ON DELETE SET NULL,
	PRIMARY KEY (ip, domain)
);

CREATE INDEX IF NOT EXISTS ip_domain_domain ON ip_domain (domain);
CREATE INDEX IF NOT EXISTS ip_domain_campaign ON ip_domain (campaign_id);

-- Addresses a campaign checked and found no domain on.
CREATE TABLE IF NOT EXISTS ip_no_domain (
	ip          inet PRIMARY KEY,
	checked_at  timestamptz NOT NULL DEFAULT now(),
	campaign_id bigint REFERENCES campaign (id) ON DELETE SET NULL
);

CREATE INDEX IF NOT EXISTS ip_no_domain_campaign ON ip_no_domain (campaign_id);

-- Reverse-IP source definitions, managed through /api/sources and sent to probes.
CREATE TABLE IF NOT EXISTS source (
	name       text PRIMARY KEY,
	definition jsonb NOT NULL,                     -- the SourceDefinition record as JSON
	enabled    boolean NOT NULL DEFAULT true,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Tasks a probe ended THROTTLED (the server it asked refused it as too frequent); a part of its failed count.
ALTER TABLE probe ADD COLUMN IF NOT EXISTS throttled bigint NOT NULL DEFAULT 0;

-- The probe session a block is leased to, so the end of an old session of a probe does not give back the
-- blocks its newer session holds.
ALTER TABLE work_block ADD COLUMN IF NOT EXISTS lease_session text;
-- The probe whose result a DONE block holds: what a probe caught lying answered is done again (docs/PROBE-TRUST.md).
ALTER TABLE work_block ADD COLUMN IF NOT EXISTS answered_by text;

-- One-time enrollment codes an admin hands to a probe's owner (docs/PROBE-TRUST.md). Only a hash of the code is
-- stored. A code is used once: used_at and used_by are set when a probe exchanges it for its credential.
CREATE TABLE IF NOT EXISTS probe_enrollment (
	code_hash   text PRIMARY KEY,                  -- hex SHA-256 of the code
	probe_name  text,                              -- the name the probe gets, or null to take the probe's own
	expires_at  timestamptz NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	used_at     timestamptz,
	used_by     text                               -- the probe name it was exchanged for
);

-- The hash of the request id the probe sent with the code's first use: the same request again (its answer was
-- lost) gets a fresh credential in place of the first, within the code's expiry; any other second use is refused.
ALTER TABLE probe_enrollment ADD COLUMN IF NOT EXISTS used_request text;

-- A probe's own long-lived credential, bound to its name. Only a hash is stored.
CREATE TABLE IF NOT EXISTS probe_credential (
	secret_hash text PRIMARY KEY,                  -- hex SHA-256 of the credential
	probe_name  text NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	revoked_at  timestamptz
);

CREATE INDEX IF NOT EXISTS probe_credential_name ON probe_credential (probe_name);

-- A revoked probe is refused whatever it presents, until its name is enrolled again.
ALTER TABLE probe ADD COLUMN IF NOT EXISTS revoked_at timestamptz;
ALTER TABLE probe ADD COLUMN IF NOT EXISTS revoke_reason text;

-- A quarantined probe stays connected but gets no work until an admin releases it.
ALTER TABLE probe ADD COLUMN IF NOT EXISTS quarantined_at timestamptz;
ALTER TABLE probe ADD COLUMN IF NOT EXISTS quarantine_reason text;

-- A probe gone longer than dragnet.housekeeping.archive-probes-after is archived: left out of the listings, its row,
-- counters and trust state kept. Its next hello brings it back.
ALTER TABLE probe ADD COLUMN IF NOT EXISTS archived_at timestamptz;

-- Server instances sharing this database (docs/CLUSTER.md). Each writes its heartbeat every
-- dragnet.cluster.heartbeat-interval; one whose heartbeat is older than dead-after is declared dead by a survivor,
-- which sets stopped_at (so exactly one claims it) and takes over what it held.
CREATE TABLE IF NOT EXISTS server_instance (
	id           text PRIMARY KEY,                 -- host name and a random suffix, new at every start
	url          text,                             -- the base URL other instances reach it at
	started_at   timestamptz NOT NULL,
	heartbeat_at timestamptz NOT NULL,
	stopped_at   timestamptz,                      -- set when declared dead
	stop_reason  text
);

-- The instance a probe's session is on; the probe is effective only while that instance is alive.
ALTER TABLE probe ADD COLUMN IF NOT EXISTS instance_id text;

-- Probes reported down in an alert and not back yet (docs/OPERATIONS.md, "Alerts"). Shared by server instances and
-- kept across restarts: a down is mailed by the one instance whose insert wins, a recovery by the one whose delete
-- wins, so each message goes out once, and a restart neither repeats a down nor loses a recovery.
CREATE TABLE IF NOT EXISTS probe_alert (
	probe          text PRIMARY KEY,
	down_at        timestamptz NOT NULL,
	reason         text,
	remote_address text,
	reported_at    timestamptz NOT NULL DEFAULT now(),
	reported_by    text                            -- the server instance that mailed it
);

-- A block's lease is looked up by its holder and lease id (a result, progress, a give-up) and counted by holder (a
-- want-blocks): without this index each of those read every leased block.
CREATE INDEX IF NOT EXISTS work_block_lease_holder ON work_block (lease_holder, lease_id) WHERE state = 'LEASED';

-- The probe change feed (docs/LIVE.md, "The probe mirror"): every insert and update of a probe row takes the next
-- number of probe_change_seq into change_seq, and the id of its transaction into change_xid (the id first, so a
-- writer whose number is below a reader's highest one is still in progress in that reader's snapshot, or visible
-- to it). Each server instance keeps the rows in memory and reads only those changed since its last read: those
-- numbered above the highest it saw, and those written by transactions in progress at that read. The sequence
-- must not cache numbers per session (its default CACHE 1), or numbers would not follow the order they are taken
-- in. Existing rows are numbered when the column is added. A function body is one quoted literal, so its
-- semicolons do not split the script.
CREATE SEQUENCE IF NOT EXISTS probe_change_seq;
ALTER TABLE probe ADD COLUMN IF NOT EXISTS change_seq bigint NOT NULL DEFAULT nextval('probe_change_seq');
ALTER TABLE probe ADD COLUMN IF NOT EXISTS change_xid xid8;
CREATE INDEX IF NOT EXISTS probe_change_seq_index ON probe (change_seq);
CREATE INDEX IF NOT EXISTS probe_change_xid_index ON probe (change_xid);
CREATE OR REPLACE FUNCTION probe_changed() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
	NEW.change_xid := pg_current_xact_id();
	NEW.change_seq := nextval(''probe_change_seq'');
	RETURN NEW;
END';
CREATE OR REPLACE TRIGGER probe_changed BEFORE INSERT OR UPDATE ON probe FOR EACH ROW EXECUTE FUNCTION probe_changed();
