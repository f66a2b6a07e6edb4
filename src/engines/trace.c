/* trace.c: replay of one firm (hc_trace.h), its printout and CSV, and the firms at chosen
 * percentiles of a run's horizon outcome. The model is only ever called, never copied:
 * see hc_trace.h for how the values a step does not return are read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hc_outdir.h"
#include "hc_stats.h"
#include "hc_trace.h"

int hc_trace_firm(const hc_config *cfg, uint32_t world, uint32_t firm, hc_trace *tr, hc_error *err)
{
    const hc_model *m = &cfg->model;
    const int T = m->n_steps, R = m->n_roles;
    hc_world_step *path;
    float *Kw;
    hc_firm f;
    int i, r, t;

    memset(tr, 0, sizeof(*tr));
    tr->world = world;
    tr->firm = firm;
    tr->n_steps = T;
    tr->n_roles = R;
    path = (hc_world_step *)malloc((size_t)(T + 1) * sizeof(*path));
    Kw = (float *)malloc((size_t)(T + 1) * (size_t)R * sizeof(*Kw));
    tr->steps = (hc_trace_step *)calloc((size_t)(T + 1), sizeof(*tr->steps));
    tr->roles = (hc_trace_role *)calloc((size_t)(T + 1) * (size_t)R, sizeof(*tr->roles));
    if (!path || !Kw || !tr->steps || !tr->roles) {
        free(path);
        free(Kw);
        hc_trace_free(tr);
        return hc_fail(err, "out of memory tracing %d steps", T + 1);
    }

    /* The same calls, in the same order, as a backend's world loop (src/engines/engine_cpu.c). */
    hc_world_sample(m, world, &tr->world_inputs);
    hc_world_path(m, world, &tr->world_inputs, path, Kw);
    /* The firm's raw inputs, for the reader: hc_firm_sample keeps only what it derives
     * from them. Same draw function and counters, so the same values (the unit test
     * checks them against the firm's constants). */
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_level(i) == HC_LEVEL_FIRM)
            tr->firm_inputs[i] = hc_model_draw(m, &m->input[i], world, firm + 1u, HC_STREAM_SCALAR_INPUT + (uint32_t)i);
    for (r = 0; r < R; r++)
        tr->role_wage[r] = hc_model_draw(m, &m->role_wage[r], world, firm + 1u, HC_STREAM_ROLE_WAGE + (uint32_t)r);
    hc_firm_sample(m, world, firm, &tr->world_inputs, &f);
    tr->firm_inputs[HC_IN_HEADCOUNT] = f.H0; /* with size classes the class draws it */
    tr->weight = f.weight;

    for (t = 0; t <= T; t++) {
        const float *K = Kw + (size_t)t * (size_t)R;
        hc_trace_step *st = &tr->steps[t];
        const hc_firm before = f;
        hc_firm_detail d;
        hc_firm_step_detail(m, &path[t], K, t, &f, &st->out, &d);
        st->world = path[t];
        st->spend_tentative = d.spend_tentative;
        st->budget = d.budget;
        st->people_in_roles = d.people_in_roles;
        st->Q = f.Q;
        st->U = d.U;
        st->belief = d.belief;
        st->saving = d.saving;
        st->M = d.M;
        st->alpha = d.alpha;
        st->change_pct = hc_firm_change_pct(&f, st->out.H);
        for (r = 0; r < R; r++) {
            hc_trace_role *q = tr->roles + (size_t)t * (size_t)R + (size_t)r;
            q->compute_cost = K[r];
            /* D_r,t = Hcf_t Q_{t-1} s_r, the product hc_firm_step forms, in its order. */
            q->demand = st->out.Hcf * before.Q * m->role_share[r];
            q->adoption_prev = before.adoption[r];
            q->adoption_tentative = d.tentative[r];
            q->adoption = f.adoption[r];
            q->zp = d.zp[r];
            q->zr = d.zr[r];
            q->Phi_p = d.Phi_p[r];
            q->Phi_r = d.Phi_r[r];
            q->Kbar = d.Kbar[r];
            q->Kaug = d.Kaug[r];
            q->target = d.target[r];
            q->assisted = d.assisted[r];
        }
    }
    free(path);
    free(Kw);
    return 0;
}

void hc_trace_free(hc_trace *tr)
{
    free(tr->steps);
    free(tr->roles);
    tr->steps = NULL;
    tr->roles = NULL;
}

// ---- printout

static double step_year(const hc_config *cfg, int t)
{
    return (double)cfg->start_year + (double)t / (double)cfg->steps_per_year;
}

void hc_trace_print(FILE *out, const hc_config *cfg, const hc_trace *tr)
{
    const hc_model *m = &cfg->model;
    int i, r, t;
    fprintf(out, "scenario %s (%s), seed %llu: world %u, firm %u (of %lld worlds x %lld firms), %d years x %d "
                 "steps from %d\n",
            cfg->name, cfg->path, (unsigned long long)cfg->seed, tr->world, tr->firm, (long long)cfg->worlds,
            (long long)cfg->firms_per_world, cfg->years, cfg->steps_per_year, cfg->start_year);
    fprintf(out, "\nworld inputs (drawn once for world %u)\n", tr->world);
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_level(i) == HC_LEVEL_WORLD)
            fprintf(out, "  %-48s %-5s %.10g\n", hc_input_specs[i].key, hc_input_specs[i].symbol,
                    tr->world_inputs.in[i]);
    for (r = 0; r < tr->n_roles; r++) {
        char label[128];
        snprintf(label, sizeof(label), "roles.%s.tokens_per_fte_year", cfg->role_names[r]);
        fprintf(out, "  %-48s %-5s %.10g\n", label, "m_r", tr->world_inputs.tokens[r]);
    }
    fprintf(out, "\nfirm inputs (drawn once for firm %u of world %u)\n", tr->firm, tr->world);
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_level(i) == HC_LEVEL_FIRM)
            fprintf(out, "  %-48s %-5s %.10g\n", hc_input_specs[i].key, hc_input_specs[i].symbol, tr->firm_inputs[i]);
    fprintf(out, "  %-48s %-5s %.10g\n", "size-class weight", "w_f", (double)tr->weight);
    for (r = 0; r < tr->n_roles; r++) {
        char label[128];
        snprintf(label, sizeof(label), "roles.%s.wage", cfg->role_names[r]);
        fprintf(out, "  %-48s %-5s %.10g\n", label, "w_r", tr->role_wage[r]);
    }
    fprintf(out, "\nroles (fixed): share (normalised), exposure\n");
    for (r = 0; r < tr->n_roles; r++)
        fprintf(out, "  %-28s %8.4f %8.4f\n", cfg->role_names[r], (double)m->role_share[r],
                (double)m->role_exposure[r]);

    fprintf(out, "\nsteps: world path | belief, platform, budget (USD/yr) | headcount (FTE) | output\n"
                 "  p price (USD/Mtok), pi realised yearly log price change, c capability, o oversight per\n"
                 "  automated FTE, w wage index, b budget index; L belief (log of 1 + believed yearly price\n"
                 "  change), saving of target automation, u 1 if the firm uses AI (saving covers the platform);\n"
                 "  B budget, spend~ the bill before the check, spend after it, capped 1 if the budget binds;\n"
                 "  H = Hr + Ho + Hn + Hs + Hp (roles, oversight, new tasks, specialists, platform), Hcf without\n"
                 "  AI; Y output, Ycf without AI, U unit cost ratio, Q demand multiplier after the step;\n"
                 "  alpha automated share, rb 1 if it fell over the last whole year, M oversight multiplier.\n"
                 "  Per role: D demand (FTE), K median compute cost per automated FTE-year, cutoffs zp/zr and\n"
                 "  Phi(zp)/Phi(zr), Kbar mean cost of the tasks that pay, adoption a(t-1) -> a* (target) ->\n"
                 "  a~ (tentative) -> a (after the budget check), g assisted share, Kaug its compute.\n");
    for (t = 0; t <= tr->n_steps; t++) {
        const hc_trace_step *st = &tr->steps[t];
        const hc_firm_out *o = &st->out;
        fprintf(out, "\nstep %d (%.2f): p %.6g  pi %.5f  c %.4f  o %.4f  w %.4f  b %.4f\n", t, step_year(cfg, t),
                (double)st->world.price, (double)st->world.price_trend, (double)st->world.capability,
                (double)st->world.oversight, (double)st->world.wage_index, (double)st->world.budget_index);
        fprintf(out, "  L %.6f  saving %.6g  u %d  B %.6g  spend~ %.6g  spend %.6g  capped %d\n", (double)st->belief,
                (double)st->saving, o->uses_ai, (double)st->budget, (double)st->spend_tentative, (double)o->spend,
                o->capped);
        fprintf(out, "  H %.6g = Hr %.6g + Ho %.6g + Hn %.6g + Hs %.6g + Hp %.6g;  Hcf %.6g  A %.6g\n", (double)o->H,
                (double)st->people_in_roles, (double)o->Ho, (double)o->Hn, (double)o->Hs, (double)o->Hp,
                (double)o->Hcf, (double)o->A);
        fprintf(out, "  Y %.6g  Ycf %.6g  U %.6f  Q %.6g  alpha %.5f  rb %d  M %.4f  change %+.4f %%\n", (double)o->Y,
                (double)o->Ycf, (double)st->U, (double)st->Q, (double)st->alpha, o->rolled_back, (double)st->M,
                (double)st->change_pct);
        for (r = 0; r < tr->n_roles; r++) {
            const hc_trace_role *q = hc_trace_role_at(tr, t, r);
            fprintf(out, "    %-20s D %9.5g  K %9.5g  zp %+.3f zr %+.3f  Phi %.4f/%.4f  Kbar %9.5g  "
                         "a %.5f -> %.5f -> %.5f -> %.5f  g %.5f  Kaug %.5g\n",
                    cfg->role_names[r], (double)q->demand, (double)q->compute_cost, (double)q->zp, (double)q->zr,
                    (double)q->Phi_p, (double)q->Phi_r, (double)q->Kbar, (double)q->adoption_prev, (double)q->target,
                    (double)q->adoption_tentative, (double)q->adoption, (double)q->assisted, (double)q->Kaug);
        }
    }
}

// ---- CSV

/* The shortest decimal (at most 17 digits) that reads back as exactly v: a float's value
 * converted to double needs up to 17 digits, and the 9 that round-trip a float would read
 * back as another double in a spreadsheet or pandas. */
static const char *exact(double v, char *buf, size_t len)
{
    int digits;
    for (digits = 1; digits < 17; digits++) {
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) return buf;
    }
    snprintf(buf, len, "%.17g", v);
    return buf;
}

typedef struct {
    FILE *out;
    const hc_config *cfg;
    const hc_trace *tr;
} csv_ctx;

/* One row at step t; role NULL leaves the role empty. */
static void row_f(const csv_ctx *c, int t, const char *quantity, const char *role, float v)
{
    char num[40];
    fprintf(c->out, "%s,%u,%u,%d,%.10g,%s,%s,%s\n", c->cfg->name, c->tr->world, c->tr->firm, t,
            step_year(c->cfg, t), quantity, role ? role : "", exact((double)v, num, sizeof(num)));
}

/* Inputs: no step, no year. */
static void row_d(const csv_ctx *c, const char *quantity, const char *role, double v)
{
    char num[40];
    fprintf(c->out, "%s,%u,%u,,,%s,%s,%s\n", c->cfg->name, c->tr->world, c->tr->firm, quantity,
            role ? role : "", exact(v, num, sizeof(num)));
}

void hc_trace_write_csv(FILE *out, const hc_config *cfg, const hc_trace *tr)
{
    const csv_ctx c = {out, cfg, tr};
    int i, r, t;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_level(i) == HC_LEVEL_WORLD) row_d(&c, hc_input_specs[i].key, NULL, tr->world_inputs.in[i]);
    for (r = 0; r < tr->n_roles; r++)
        row_d(&c, "roles.tokens_per_fte_year", cfg->role_names[r], tr->world_inputs.tokens[r]);
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_level(i) == HC_LEVEL_FIRM) row_d(&c, hc_input_specs[i].key, NULL, tr->firm_inputs[i]);
    row_d(&c, "weight", NULL, (double)tr->weight);
    for (r = 0; r < tr->n_roles; r++) row_d(&c, "roles.wage", cfg->role_names[r], tr->role_wage[r]);
    for (t = 0; t <= tr->n_steps; t++) {
        const hc_trace_step *st = &tr->steps[t];
        const hc_firm_out *o = &st->out;
        row_f(&c, t, "price", NULL, st->world.price);
        row_f(&c, t, "capability", NULL, st->world.capability);
        row_f(&c, t, "oversight_per_automated", NULL, st->world.oversight);
        row_f(&c, t, "wage_index", NULL, st->world.wage_index);
        row_f(&c, t, "budget_index", NULL, st->world.budget_index);
        row_f(&c, t, "price_trend", NULL, st->world.price_trend);
        row_f(&c, t, "belief", NULL, st->belief);
        row_f(&c, t, "saving", NULL, st->saving);
        row_f(&c, t, "uses_ai", NULL, (float)o->uses_ai);
        for (r = 0; r < tr->n_roles; r++) {
            const hc_trace_role *q = hc_trace_role_at(tr, t, r);
            const char *name = cfg->role_names[r];
            row_f(&c, t, "demand", name, q->demand);
            row_f(&c, t, "compute_cost", name, q->compute_cost);
            row_f(&c, t, "adoption_prev", name, q->adoption_prev);
            row_f(&c, t, "zp", name, q->zp);
            row_f(&c, t, "zr", name, q->zr);
            row_f(&c, t, "Phi_p", name, q->Phi_p);
            row_f(&c, t, "Phi_r", name, q->Phi_r);
            row_f(&c, t, "Kbar", name, q->Kbar);
            row_f(&c, t, "target", name, q->target);
            row_f(&c, t, "adoption_tentative", name, q->adoption_tentative);
            row_f(&c, t, "adoption", name, q->adoption);
            row_f(&c, t, "assisted", name, q->assisted);
            row_f(&c, t, "Kaug", name, q->Kaug);
        }
        row_f(&c, t, "budget", NULL, st->budget);
        row_f(&c, t, "spend_tentative", NULL, st->spend_tentative);
        row_f(&c, t, "spend", NULL, o->spend);
        row_f(&c, t, "capped", NULL, (float)o->capped);
        row_f(&c, t, "alpha", NULL, st->alpha);
        row_f(&c, t, "rolled_back", NULL, (float)o->rolled_back);
        row_f(&c, t, "M", NULL, st->M);
        row_f(&c, t, "H", NULL, o->H);
        row_f(&c, t, "Hr", NULL, st->people_in_roles);
        row_f(&c, t, "Ho", NULL, o->Ho);
        row_f(&c, t, "Hn", NULL, o->Hn);
        row_f(&c, t, "Hs", NULL, o->Hs);
        row_f(&c, t, "Hp", NULL, o->Hp);
        row_f(&c, t, "A", NULL, o->A);
        row_f(&c, t, "Hcf", NULL, o->Hcf);
        row_f(&c, t, "wage_bill", NULL, o->wage_bill);
        row_f(&c, t, "Y", NULL, o->Y);
        row_f(&c, t, "Ycf", NULL, o->Ycf);
        row_f(&c, t, "U", NULL, st->U);
        row_f(&c, t, "Q", NULL, st->Q);
        row_f(&c, t, "change_pct", NULL, st->change_pct);
    }
}

// ---- firms at percentiles of the horizon outcome

int hc_trace_parse_percentiles(const char *s, double *p, int *np, hc_error *err)
{
    const char *q = s;
    *np = 0;
    for (;;) {
        char *end;
        double v = strtod(q, &end);
        if (end == q || !(v >= 0.0 && v <= 100.0) || (*end != ',' && *end != '\0'))
            return hc_fail(err, "--trace-percentiles: expected numbers in [0, 100] separated by commas "
                                "(e.g. 5,50,95), got \"%s\"", s);
        if (*np >= HC_TRACE_MAX_PERCENTILES)
            return hc_fail(err, "--trace-percentiles: at most %d percentiles, got \"%s\"", HC_TRACE_MAX_PERCENTILES, s);
        p[(*np)++] = v;
        if (*end == '\0') return 0;
        q = end + 1;
    }
}

/* The firm at rank floor((N - 1) p / 100 + 0.5) of the horizon's changes, ordered by value
 * (as `<` orders floats: -0 and +0 tie) and ties by index (world index * firms + firm):
 * the value by selection (hc_select_f, O(N)), then the firm among those with that value,
 * by two scans in index order (the smaller values counted, then the equal ones). The same
 * firm as sorting every (value, index) pair, in O(N) a percentile and 4 bytes a firm
 * rather than O(N log N) and 16. */
int hc_trace_pick(const hc_results *r, int s, const double *p, int np, hc_traced_firm *out, hc_error *err)
{
    const int64_t N = r->worlds * r->firms;
    const float *change = hc_results_firm_change(r, s, r->years);
    float *scratch = (float *)malloc((size_t)N * sizeof(*scratch));
    int64_t i;
    int k;
    if (!scratch) return hc_fail(err, "out of memory ranking %lld firms", (long long)N);
    memcpy(scratch, change, (size_t)N * sizeof(*scratch));
    for (k = 0; k < np; k++) {
        const int64_t rank = (int64_t)floor((double)(N - 1) * p[k] / 100.0 + 0.5);
        const float v = hc_select_f(scratch, (size_t)N, (size_t)rank);
        int64_t below = 0, pick = -1;
        for (i = 0; i < N; i++) below += change[i] < v;
        for (i = 0; i < N && pick < 0; i++)
            if (change[i] == v && below++ == rank) pick = i;
        if (pick < 0) { /* only a NaN among the changes could leave none (the bands refuse them) */
            free(scratch);
            return hc_fail(err, "internal error: no firm at the %g-th percentile of scenario %d's firm changes", p[k],
                           s);
        }
        out[k].scenario = s;
        out[k].percentile = p[k];
        out[k].world = r->world_begin + pick / r->firms;
        out[k].firm = pick % r->firms;
        out[k].change_pct = change[pick];
    }
    free(scratch);
    return 0;
}

/* `s` in single quotes for a POSIX shell, then as one CSV field (double quotes doubled). */
static void csv_shell_word(FILE *f, const char *s)
{
    fputs(" '", f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else if (*s == '"')
            fputs("\"\"", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

int hc_write_traced_firms(const char *dir, const hc_results *r, const hc_config *cfg, int n_cfg,
                          const double *p, int np, const hc_override *ov, int n_ov, hc_error *err)
{
    char tmp_list[4200], tmp_traces[4200];
    FILE *list = NULL, *traces = NULL;
    int s, k, j;
    list = hc_output_open(dir, HC_TRACED_FIRMS_FILE, tmp_list, sizeof(tmp_list), err);
    if (!list) return 1;
    traces = hc_output_open(dir, HC_TRACES_FILE, tmp_traces, sizeof(tmp_traces), err);
    if (!traces) {
        fclose(list);
        remove(tmp_list);
        return 1;
    }
    fputs("scenario,percentile,world,firm,change_pct,command\n", list);
    fputs(HC_TRACE_CSV_HEADER, traces);
    for (s = 0; s < n_cfg; s++) {
        hc_traced_firm picked[HC_TRACE_MAX_PERCENTILES];
        if (hc_trace_pick(r, s, p, np, picked, err)) goto fail;
        for (k = 0; k < np; k++) {
            const hc_traced_firm *q = &picked[k];
            int seen = 0;
            char num[40];
            fprintf(list, "%s,%.10g,%lld,%lld,%s,\"headcount trace", cfg[s].name, q->percentile,
                    (long long)q->world, (long long)q->firm, exact((double)q->change_pct, num, sizeof(num)));
            csv_shell_word(list, cfg[s].path);
            fprintf(list, " --world %lld --firm %lld", (long long)q->world, (long long)q->firm);
            for (j = 0; j < n_ov; j++) {
                char set[4200];
                snprintf(set, sizeof(set), "%s=%s", ov[j].key, ov[j].value);
                fputs(" --set", list);
                csv_shell_word(list, set);
            }
            fputs("\"\n", list);
            for (j = 0; j < k; j++) seen |= picked[j].world == q->world && picked[j].firm == q->firm;
            if (!seen) { /* a firm picked at two percentiles is traced once */
                hc_trace tr;
                if (hc_trace_firm(&cfg[s], (uint32_t)q->world, (uint32_t)q->firm, &tr, err)) goto fail;
                hc_trace_write_csv(traces, &cfg[s], &tr);
                hc_trace_free(&tr);
            }
        }
    }
    if (hc_output_commit(traces, tmp_traces, dir, HC_TRACES_FILE, err)) {
        traces = NULL;
        goto fail;
    }
    return hc_output_commit(list, tmp_list, dir, HC_TRACED_FIRMS_FILE, err);
fail:
    if (traces) {
        fclose(traces);
        remove(tmp_traces);
    }
    fclose(list);
    remove(tmp_list);
    return 1;
}
