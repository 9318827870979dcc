-- A revision per portal article (issue 16, "Performance"): the public article page is rendered once
-- per revision and served from memory (portal.cache.ts). Triggers bump it on every change to the
-- article or to any of its comments (posted, reported and hidden, moderated, erased), whichever code
-- path made the change, so a cached page can never outlive what it shows.
ALTER TABLE "portal_articles" ADD COLUMN "rev" bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
CREATE FUNCTION portal_article_rev_self() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.rev := OLD.rev + 1;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER portal_articles_rev BEFORE UPDATE ON portal_articles FOR EACH ROW EXECUTE FUNCTION portal_article_rev_self();
--> statement-breakpoint
CREATE FUNCTION portal_comments_touch_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE portal_articles SET rev = rev + 1 WHERE id IN (SELECT DISTINCT article_id FROM old_rows);
  ELSE
    UPDATE portal_articles SET rev = rev + 1 WHERE id IN (SELECT DISTINCT article_id FROM new_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER portal_comments_rev_ins AFTER INSERT ON portal_comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_comments_touch_article();
--> statement-breakpoint
CREATE TRIGGER portal_comments_rev_upd AFTER UPDATE ON portal_comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_comments_touch_article();
--> statement-breakpoint
CREATE TRIGGER portal_comments_rev_del AFTER DELETE ON portal_comments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_comments_touch_article();
