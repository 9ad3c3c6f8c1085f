package dev.dragnet.probe.reverseip;

import java.util.function.Function;

import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.testbed.reverseip.ChineseListSite;
import dev.dragnet.testbed.reverseip.FakeSite;
import dev.dragnet.testbed.reverseip.FormJsonSite;
import dev.dragnet.testbed.reverseip.PagedTableSite;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.SearchResultsSite;

/** The five fake site families and the built-in definition of each, paced for tests (no interval, 8 at once). */
enum Family {

	PLAIN_TEXT(PlainTextSite::start, SourceCatalogue::plainText),

	FORM_JSON(FormJsonSite::start, SourceCatalogue::formJson),

	PAGED_TABLE(PagedTableSite::start, SourceCatalogue::pagedTable),

	CHINESE_LIST(ChineseListSite::start, SourceCatalogue::chineseList),

	SEARCH_RESULTS(SearchResultsSite::start, SourceCatalogue::searchResults);

	static final Pace FAST = new Pace(0, 8);

	private final Function<ReverseIpWorld, FakeSite<?>> starter;

	private final Function<String, SourceDefinition> definition;

	Family(Function<ReverseIpWorld, FakeSite<?>> starter, Function<String, SourceDefinition> definition) {
		this.starter = starter;
		this.definition = definition;
	}

	FakeSite<?> start(ReverseIpWorld world) {
		return this.starter.apply(world);
	}

	/** The built-in definition pointed at {@code site}, with the test pace. */
	SourceDefinition definitionFor(FakeSite<?> site) {
		return this.definition.apply(site.baseUrl()).withPace(FAST);
	}

}
