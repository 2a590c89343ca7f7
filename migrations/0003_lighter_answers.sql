-- Every daily answer writes each index on answers and streaks, and answers come in bursts; these
-- two served only occasional reads. /stats now finds a member's answers per topic through
-- answers_by_topic, and a reveal finds streak milestones through the round's own answers.
DROP INDEX answers_by_member;
DROP INDEX streaks_by_round;
