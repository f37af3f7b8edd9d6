# How docs/simulation.md ("Other figures, not used") computed the Correlates of War figures; not used by the model.
# Run: Rscript cow-decisiveness.R PATH/TO/cow_war_inter.rda (peacesciencer data/, commit fe150a2648056fbd4fbbbd833f0c9e437b2ed04b).
# Effect sizes from the Correlates of War Inter-State War data v4.0 (Sarkees and Wayman 2010), as bundled in
# peacesciencer (cow_war_inter, directed dyad-years). Unit: an unordered pair of states in one war.
# Decisive: one side coded winner (1) and the other loser (2); tie: compromise (3) or stalemate (6); other codes out.
# Cost: the pair's battle deaths (batdeath1 + batdeath2); costly = at or above the median of the estimation set.
# Recurrence: the same pair fights another COW war whose first year is within 10 years of this war's last year.
# The library's wars (151 Korea, 181 October 1973, 184 Cyprus 1974, 219 Badme) are left out.
load(commandArgs(TRUE)[1])
a <- as.data.frame(cow_war_inter)
a <- a[a$ccode1 < a$ccode2, ]
a$pair <- paste(a$ccode1, a$ccode2)
w <- aggregate(year ~ warnum + pair, a, function(y) c(min(y), max(y)))
w <- data.frame(warnum = w$warnum, pair = w$pair, first = w$year[, 1], last = w$year[, 2])
o <- a[!duplicated(a[, c("warnum", "pair")]), c("warnum", "pair", "outcome1", "outcome2", "batdeath1", "batdeath2")]
w <- merge(w, o)
w$recur <- mapply(function(p, n, l) any(w$pair == p & w$warnum != n & w$first > l - 0 & w$first <= l + 10 & w$first >= l), w$pair, w$warnum, w$last)
w$decisive <- ifelse((w$outcome1 == 1 & w$outcome2 == 2) | (w$outcome1 == 2 & w$outcome2 == 1), TRUE,
                ifelse(w$outcome1 %in% c(3, 6) & w$outcome2 %in% c(3, 6), FALSE, NA))
w$deaths <- ifelse(w$batdeath1 < 0 | w$batdeath2 < 0, NA, w$batdeath1 + w$batdeath2)
w <- w[!(w$warnum %in% c(151, 181, 184, 219)) & w$last <= 1997, ]
cat("pairs", nrow(w), "recurred", sum(w$recur), "\n")
med <- median(w$deaths, na.rm = TRUE); cat("median deaths", med, "\n")
w$costly <- w$deaths >= med
rr <- function(g) { t <- table(g, w$recur); print(t); n <- rowSums(t); k <- t[, "TRUE"]
  r <- (k[2] / n[2]) / (k[1] / n[1]); se <- sqrt(1 / k[2] - 1 / n[2] + 1 / k[1] - 1 / n[1])
  cat(sprintf("RR %s TRUE vs FALSE: %.3f (%.3f-%.3f); shares %.3f %.3f\n", deparse(substitute(g)), r, r * exp(-1.96 * se), r * exp(1.96 * se), k[1]/n[1], k[2]/n[2])) }
rr(w$decisive); rr(w$costly)
