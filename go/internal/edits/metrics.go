package edits

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Metrics applies edits to md in place.
func Metrics(md pmetric.Metrics, wire []byte) error {
	return apply(metrics{md}, wire)
}

type metrics struct{ md pmetric.Metrics }

func (b metrics) metric(t target) (pmetric.Metric, bool) {
	rm := b.md.ResourceMetrics()
	if !inRange(t.at[0], rm.Len()) {
		return pmetric.Metric{}, false
	}
	sm := rm.At(t.at[0]).ScopeMetrics()
	if !inRange(t.at[1], sm.Len()) {
		return pmetric.Metric{}, false
	}
	ms := sm.At(t.at[1]).Metrics()
	if !inRange(t.at[2], ms.Len()) {
		return pmetric.Metric{}, false
	}
	return ms.At(t.at[2]), true
}

// point returns the attributes and, where the type has them, the exemplars of a data point.
func point(m pmetric.Metric, p int) (pcommon.Map, pmetric.ExemplarSlice, bool) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		if dp := m.Gauge().DataPoints(); inRange(p, dp.Len()) {
			return dp.At(p).Attributes(), dp.At(p).Exemplars(), true
		}
	case pmetric.MetricTypeSum:
		if dp := m.Sum().DataPoints(); inRange(p, dp.Len()) {
			return dp.At(p).Attributes(), dp.At(p).Exemplars(), true
		}
	case pmetric.MetricTypeHistogram:
		if dp := m.Histogram().DataPoints(); inRange(p, dp.Len()) {
			return dp.At(p).Attributes(), dp.At(p).Exemplars(), true
		}
	case pmetric.MetricTypeExponentialHistogram:
		if dp := m.ExponentialHistogram().DataPoints(); inRange(p, dp.Len()) {
			return dp.At(p).Attributes(), dp.At(p).Exemplars(), true
		}
	case pmetric.MetricTypeSummary:
		if dp := m.Summary().DataPoints(); inRange(p, dp.Len()) {
			// Summaries have no exemplars: an empty slice addresses none.
			return dp.At(p).Attributes(), pmetric.NewExemplarSlice(), true
		}
	}
	return pcommon.Map{}, pmetric.ExemplarSlice{}, false
}

func (b metrics) attributes(t target) (pcommon.Map, bool) {
	rm := b.md.ResourceMetrics()
	switch t.kind {
	case kindResource:
		if inRange(t.at[0], rm.Len()) {
			return rm.At(t.at[0]).Resource().Attributes(), true
		}
	case kindScope:
		if inRange(t.at[0], rm.Len()) {
			if sm := rm.At(t.at[0]).ScopeMetrics(); inRange(t.at[1], sm.Len()) {
				return sm.At(t.at[1]).Scope().Attributes(), true
			}
		}
	case kindRecord:
		if m, ok := b.metric(t); ok {
			return m.Metadata(), true
		}
	case kindDataPoint, kindExemplar:
		m, ok := b.metric(t)
		if !ok {
			break
		}
		attrs, exemplars, ok := point(m, t.at[3])
		if ok && t.kind == kindDataPoint {
			return attrs, true
		}
		if ok && inRange(t.at[4], exemplars.Len()) {
			return exemplars.At(t.at[4]).FilteredAttributes(), true
		}
	}
	return pcommon.Map{}, false
}

func (metrics) body(target) (pcommon.Value, bool) { return pcommon.Value{}, false }

func (b metrics) droppable(t target) bool {
	if t.kind != kindRecord && t.kind != kindDataPoint {
		return false
	}
	_, ok := b.attributes(t)
	return ok
}

func (b metrics) drop(drops map[target]struct{}) {
	resources := b.md.ResourceMetrics()
	removeIndexed(resources.Len(), resources.RemoveIf, func(r int, rm pmetric.ResourceMetrics) bool {
		scopes := rm.ScopeMetrics()
		return removeIndexed(scopes.Len(), scopes.RemoveIf, func(s int, sm pmetric.ScopeMetrics) bool {
			ms := sm.Metrics()
			return removeIndexed(ms.Len(), ms.RemoveIf, func(i int, m pmetric.Metric) bool {
				if _, ok := drops[target{kind: kindRecord, at: [5]int{r, s, i}}]; ok {
					return true
				}
				return dropPoints(m, func(p int) bool {
					_, ok := drops[target{kind: kindDataPoint, at: [5]int{r, s, i, p}}]
					return ok
				})
			})
		})
	})
}

// dropPoints removes the data points drop accepts; it reports whether that emptied the metric.
func dropPoints(m pmetric.Metric, drop func(int) bool) bool {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dp := m.Gauge().DataPoints()
		return removeIndexed(dp.Len(), dp.RemoveIf, func(p int, _ pmetric.NumberDataPoint) bool { return drop(p) })
	case pmetric.MetricTypeSum:
		dp := m.Sum().DataPoints()
		return removeIndexed(dp.Len(), dp.RemoveIf, func(p int, _ pmetric.NumberDataPoint) bool { return drop(p) })
	case pmetric.MetricTypeHistogram:
		dp := m.Histogram().DataPoints()
		return removeIndexed(dp.Len(), dp.RemoveIf, func(p int, _ pmetric.HistogramDataPoint) bool { return drop(p) })
	case pmetric.MetricTypeExponentialHistogram:
		dp := m.ExponentialHistogram().DataPoints()
		return removeIndexed(dp.Len(), dp.RemoveIf, func(p int, _ pmetric.ExponentialHistogramDataPoint) bool { return drop(p) })
	case pmetric.MetricTypeSummary:
		dp := m.Summary().DataPoints()
		return removeIndexed(dp.Len(), dp.RemoveIf, func(p int, _ pmetric.SummaryDataPoint) bool { return drop(p) })
	}
	return false
}
