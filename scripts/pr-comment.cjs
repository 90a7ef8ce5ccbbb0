// The one pull-request comment of the policy review: found by the marker it starts with and updated,
// or created when there is none, so a pull request pushed to ten times still has one review comment.
// Called from actions/github-script in .github/workflows/policy-review.yml with its github and context.
const marker = '<!-- credit-policy-review -->';

/** upsertReviewComment writes `body` (which starts with the marker) as the review comment; returns what it did. */
async function upsertReviewComment({ github, context, body }) {
  if (!body.startsWith(marker)) throw new Error('the review body must start with the marker');
  const comments = await github.paginate(github.rest.issues.listComments, {
    ...context.repo,
    issue_number: context.issue.number,
    per_page: 100,
  });
  // Only a comment the workflow's bot wrote: a person quoting the marker is left alone.
  const mine = comments.find((c) => c.user?.type === 'Bot' && c.body?.startsWith(marker));
  if (mine) {
    await github.rest.issues.updateComment({ ...context.repo, comment_id: mine.id, body });
    return { action: 'updated', id: mine.id };
  }
  const { data } = await github.rest.issues.createComment({
    ...context.repo,
    issue_number: context.issue.number,
    body,
  });
  return { action: 'created', id: data.id };
}

module.exports = { marker, upsertReviewComment };
